/*
 * A Kafka test broker: librdkafka's in-process mock cluster, kept alive in its own process so
 * that Node clients (kafkajs) can talk the real Kafka protocol to it over localhost.
 *
 *   mock-broker [--brokers N] --topic NAME:PARTITIONS [--topic ...]
 *
 * stdout, one line each:  the bootstrap servers ("127.0.0.1:port,..."), printed once ready;
 *                         then "ok <command>" or "error <message>" per command.
 * stdin commands:         "down"  every broker drops its connections and closes its port
 *                         "up"    every broker listens again, on the same port
 * Exits on SIGTERM/SIGINT, or when the process that started it dies, so a crashed test run
 * leaves no broker behind.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 64
/* Bounds how long a parent death goes unnoticed if PR_SET_PDEATHSIG could not cover it. */
#define PARENT_CHECK_MS 500
/* Broker id meaning "every broker" in rd_kafka_mock_broker_set_down/up. */
#define ALL_BROKERS -1

struct topic_spec {
  const char *name;
  int partitions;
};

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

/*
 * Every rd_kafka_mock_* call is a request to the mock cluster's thread, which can lose the
 * wake-up of a request made right after the previous one was answered; that request then waits
 * for the thread's 1 s poll tick (measured on librdkafka 2.0.2: a third of start-ups took 1-2 s
 * longer). A short pause between requests lets the thread settle first.
 */
static void pace_mock_requests(void) {
  struct timespec pause = {.tv_sec = 0, .tv_nsec = 2 * 1000 * 1000};
  nanosleep(&pause, NULL);
}

static void usage(const char *argv0) {
  fprintf(stderr, "usage: %s [--brokers N] --topic NAME:PARTITIONS [--topic NAME:PARTITIONS ...]\n",
          argv0);
}

static int parse_positive(const char *s, int *out) {
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < 1 || v > INT_MAX)
    return -1;
  *out = (int)v;
  return 0;
}

/* "name:partitions"; the name is cut in place, so spec must be writable (argv is). It is cut
 * only once valid, so the caller can still quote a bad spec whole. */
static int parse_topic(char *spec, struct topic_spec *out) {
  char *colon = strrchr(spec, ':');
  if (colon == NULL || colon == spec || parse_positive(colon + 1, &out->partitions) != 0)
    return -1;
  *colon = '\0';
  out->name = spec;
  return 0;
}

static void run_command(rd_kafka_mock_cluster_t *mc, const char *line) {
  int down = strcmp(line, "down") == 0;
  if (down || strcmp(line, "up") == 0) {
    pace_mock_requests();
    /* One request for all brokers rather than one per broker: fewer requests to pace. */
    rd_kafka_resp_err_t err = down ? rd_kafka_mock_broker_set_down(mc, ALL_BROKERS)
                                   : rd_kafka_mock_broker_set_up(mc, ALL_BROKERS);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
      printf("ok %s\n", line);
    else
      printf("error %s: %s\n", line, rd_kafka_err2str(err));
  } else if (line[0] != '\0') {
    printf("error unknown command: %s\n", line);
  }
  /* The caller waits for this reply before it relies on the new state. */
  fflush(stdout);
}

/* Runs the commands in each complete line read from stdin; keeps a partial line for later. */
static void serve_stdin(rd_kafka_mock_cluster_t *mc, int *stdin_open) {
  static char buf[256];
  static size_t len = 0;

  ssize_t got = read(STDIN_FILENO, buf + len, sizeof buf - 1 - len);
  if (got <= 0) {
    /* EOF is not a stop request: the broker may be run by hand with stdin closed. */
    if (got == 0 || (errno != EINTR && errno != EAGAIN))
      *stdin_open = 0;
    return;
  }
  len += (size_t)got;

  char *start = buf;
  char *nl;
  while ((nl = memchr(start, '\n', len - (size_t)(start - buf))) != NULL) {
    *nl = '\0';
    if (nl > start && nl[-1] == '\r')
      nl[-1] = '\0';
    run_command(mc, start);
    start = nl + 1;
  }
  len -= (size_t)(start - buf);
  memmove(buf, start, len);
  if (len == sizeof buf - 1) {
    /* No command is this long; drop it rather than wedge the reader. */
    printf("error command too long\n");
    fflush(stdout);
    len = 0;
  }
}

int main(int argc, char **argv) {
  int nbrokers = 1;
  struct topic_spec topics[MAX_TOPICS];
  int ntopics = 0;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
      if (parse_positive(argv[++i], &nbrokers) != 0) {
        fprintf(stderr, "mock-broker: --brokers wants a positive number, got '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc) {
      if (ntopics == MAX_TOPICS) {
        fprintf(stderr, "mock-broker: at most %d topics\n", MAX_TOPICS);
        return 2;
      }
      if (parse_topic(argv[++i], &topics[ntopics]) != 0) {
        fprintf(stderr, "mock-broker: --topic wants NAME:PARTITIONS, got '%s'\n", argv[i]);
        return 2;
      }
      ntopics++;
    } else {
      usage(argv[0]);
      return 2;
    }
  }

  /* Ask the kernel to signal us when the parent dies, then make sure it had not already died
   * before the request was in place (we would have been re-parented by then). */
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0)
    perror("mock-broker: prctl(PR_SET_PDEATHSIG)");
  if (getppid() != parent)
    return 0;

  /* Stop signals stay blocked except inside ppoll() below: librdkafka's threads inherit the
   * mask, so a signal cannot land on one of them and leave the main loop asleep, and one that
   * arrives between checks waits for ppoll() instead of being missed. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigset_t stop_signals, wait_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGINT);
  /* A reply written after the parent closed our stdout must not kill us. */
  signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* Warnings and errors only: at notice level the handle complains that it has no
   * bootstrap.servers, which it does not need. */
  if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
    fprintf(stderr, "mock-broker: log_level: %s\n", errstr);
  /* The handle only hosts the mock cluster; it never connects anywhere itself. */
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (rk == NULL) {
    fprintf(stderr, "mock-broker: rd_kafka_new: %s\n", errstr);
    return 1;
  }

  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, nbrokers);
  if (mc == NULL) {
    fprintf(stderr, "mock-broker: could not create a mock cluster of %d brokers\n", nbrokers);
    return 1;
  }

  for (int i = 0; i < ntopics; i++) {
    pace_mock_requests();
    /* Replication factor 1: replicas would only cost memory, the mock never fails over. */
    rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(mc, topics[i].name, topics[i].partitions, 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      fprintf(stderr, "mock-broker: creating topic %s: %s\n", topics[i].name,
              rd_kafka_err2str(err));
      return 1;
    }
  }

  /* Topics exist before this line appears, so a client may produce as soon as it reads it. */
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  int stdin_open = 1;
  while (!stop_requested) {
    struct pollfd pfd = {.fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN};
    struct timespec timeout = {.tv_sec = 0, .tv_nsec = PARENT_CHECK_MS * 1000 * 1000};
    int ready = ppoll(&pfd, 1, &timeout, &wait_mask);
    if (getppid() != parent)
      break;
    /* Zero is a timeout, -1 mostly EINTR from a stop signal, which the loop condition sees. */
    if (ready > 0)
      serve_stdin(mc, &stdin_open);
  }

  /* No rd_kafka_mock_cluster_destroy()/rd_kafka_destroy(): the broker holds nothing worth
   * saving, the kernel frees its sockets and memory at once, and an orderly teardown is one
   * more mock request that can wait out the 1 s tick. */
  return 0;
}
