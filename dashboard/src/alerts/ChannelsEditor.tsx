import { ALERT_CHANNEL_KINDS, type AlertChannel } from '@sightline/model/api/alert-channels';
import { EMPTY_CHANNEL, type ChannelDraft } from './rule-draft.ts';

interface Props {
  readonly channels: readonly ChannelDraft[];
  readonly onChange: (channels: ChannelDraft[]) => void;
}

/** Where notifications go: any number of webhook, Slack and email channels. */
export function ChannelsEditor({ channels, onChange }: Props) {
  const update = (i: number, patch: Partial<ChannelDraft>) =>
    onChange(channels.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  return (
    <div className="alert-channels">
      {channels.length === 0 && (
        <p className="hint">No channels: the rule records its state changes but notifies nobody.</p>
      )}
      {channels.map((c, i) => (
        <div className="alert-channel" key={i} data-channel={i}>
          <select
            aria-label={`Channel ${i + 1} kind`}
            value={c.kind}
            onChange={(e) => update(i, { kind: e.target.value as AlertChannel['kind'] })}
          >
            {ALERT_CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          {c.kind === 'email' ? (
            <input
              aria-label={`Channel ${i + 1} recipients`}
              placeholder="oncall@example.com, lead@example.com"
              value={c.to}
              onChange={(e) => update(i, { to: e.target.value })}
            />
          ) : (
            <input
              aria-label={`Channel ${i + 1} URL`}
              placeholder={c.kind === 'slack' ? 'https://hooks.slack.com/services/…' : 'https://…'}
              value={c.url}
              onChange={(e) => update(i, { url: e.target.value })}
            />
          )}
          {c.kind !== 'email' && (c.url.endsWith('/***') || c.headers.includes(': ***')) && (
            <p className="hint" data-testid={`channel-${i + 1}-secret-hint`}>
              *** stands for a stored secret: saving keeps it. Type a new value to replace it.
            </p>
          )}
          {c.kind === 'webhook' && (
            <textarea
              aria-label={`Channel ${i + 1} headers`}
              placeholder="Authorization: Bearer …"
              rows={1}
              value={c.headers}
              onChange={(e) => update(i, { headers: e.target.value })}
            />
          )}
          <button
            type="button"
            aria-label={`Remove channel ${i + 1}`}
            onClick={() => onChange(channels.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...channels, EMPTY_CHANNEL])}>
        + Add channel
      </button>
    </div>
  );
}
