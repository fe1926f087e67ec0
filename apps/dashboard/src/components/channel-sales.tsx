import type { ChannelSales } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';

export function ChannelSalesPanel({ channels }: { channels: ChannelSales[] }) {
  const { t, money, channel } = useI18n();
  const top = Math.max(1, ...channels.map((c) => c.yearToDateFen));
  return (
    <section className="panel" aria-labelledby="channels-title">
      <h2 id="channels-title" className="panel__title">
        {t('channels.title')}
      </h2>
      <table className="bars">
        <thead>
          <tr>
            <th />
            <th>{t('channels.ytd')}</th>
            <th>{t('channels.today')}</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => (
            <tr key={c.channel}>
              <th scope="row">{channel(c.channel)}</th>
              <td>
                <div className="bars__bar" style={{ width: `${(c.yearToDateFen / top) * 100}%` }} />
                <span data-testid={`channel-${c.channel}-ytd`}>{money(c.yearToDateFen)}</span>
              </td>
              <td data-testid={`channel-${c.channel}-today`}>{money(c.todayFen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
