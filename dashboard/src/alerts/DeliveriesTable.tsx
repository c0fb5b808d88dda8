import type { AlertDelivery } from '@sightline/model/api/alerts';
import { formatTime } from '../format.ts';

/** Every attempt to notify a channel, newest first: the answer each receiver gave, or why none. */
export function DeliveriesTable({ deliveries }: { deliveries: readonly AlertDelivery[] }) {
  return (
    <table className="grid alert-deliveries" aria-label="Notifications sent">
      <thead>
        <tr>
          <th>When</th>
          <th>Channel</th>
          <th className="num">Attempt</th>
          <th>Result</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={`${d.notificationId}-${d.channel}-${d.attempt}`}>
            <td className="nowrap">{formatTime(Date.parse(d.at), true)}</td>
            <td className="mono">{d.channel}</td>
            <td className="num">{d.attempt}</td>
            <td className={d.ok ? 'ok' : 'error'}>
              {d.ok ? 'delivered' : 'failed'}
              {d.status !== null && ` (${d.status})`}
            </td>
            <td className="sub">{d.error}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
