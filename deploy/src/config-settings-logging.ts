import { level, oneOf } from './config-parsers.ts';

/** How the server's own log lines look: part of SETTINGS (config-settings.ts). */
export const LOGGING_SETTINGS = {
  logLevel: {
    env: 'SIGHTLINE_LOG_LEVEL',
    flag: 'log-level',
    parse: level,
    fallback: 'info',
    help: 'server log level',
  },
  logFormat: {
    env: 'SIGHTLINE_LOG_FORMAT',
    flag: 'log-format',
    parse: oneOf(['auto', 'pretty', 'json'] as const),
    fallback: 'auto' as 'auto' | 'pretty' | 'json',
    help: 'auto: short coloured lines on a terminal, JSON lines otherwise; pretty or json to choose',
  },
};
