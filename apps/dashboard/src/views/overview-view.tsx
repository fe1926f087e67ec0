import type { ClusterKpisResponse, DailyHistoryPoint } from '@clusterpulse/contracts';
import type { AlarmEntry } from '../lib/cluster-feed';
import { useI18n } from '../i18n/i18n';
import { AlarmFeed } from '../components/alarm-feed';
import { ChannelSalesPanel } from '../components/channel-sales';
import { DeviceStatesPanel } from '../components/device-states';
import { EfficiencyPanel } from '../components/efficiency';
import { CategoryProductionChart, CumulativeSalesChart } from '../components/history-charts';
import { IngestHealthPanel } from '../components/ingest-health';
import { TargetProgress } from '../components/target-progress';

export interface OverviewViewProps {
  kpis: ClusterKpisResponse | null;
  history: DailyHistoryPoint[];
  alarms: AlarmEntry[];
  onAcknowledge: (id: string) => void;
  onAcknowledgeAll: () => void;
  ackError?: string | null;
}

export function OverviewView({ kpis, history, alarms, onAcknowledge, onAcknowledgeAll, ackError = null }: OverviewViewProps) {
  const { t } = useI18n();
  if (!kpis) {
    return (
      <main className="overview overview--empty">
        <p className="muted" data-testid="no-data">
          {t('app.noData')}
        </p>
      </main>
    );
  }
  return (
    <main className="overview">
      <div className="overview__target">
        <TargetProgress sales={kpis.sales} />
      </div>
      <div className="overview__main">
        <CumulativeSalesChart
          history={history}
          year={kpis.sales.year}
          targetFen={kpis.sales.targetFen}
          baselineFen={kpis.sales.baselineFen}
          live={kpis.simDate ? { day: kpis.simDate, yearToDateFen: kpis.sales.yearToDateFen } : undefined}
        />
        <CategoryProductionChart history={history} />
        <DeviceStatesPanel devices={kpis.devices} enterprises={kpis.enterprises} />
        <ChannelSalesPanel channels={kpis.sales.byChannel} />
        <EfficiencyPanel oee={kpis.oee} kwhPer1000Pieces={kpis.kwhPer1000Pieces} production={kpis.production} />
      </div>
      <div className="overview__side">
        {/* What an operator must act on comes first: at 1920x1080 the feed starts above the fold. */}
        <AlarmFeed alarms={alarms} onAcknowledge={onAcknowledge} onAcknowledgeAll={onAcknowledgeAll} ackError={ackError} />
        <IngestHealthPanel ingest={kpis.ingest} />
      </div>
    </main>
  );
}
