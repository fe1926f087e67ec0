import { useMemo, useState } from 'react';
import type { ApiClient } from '../lib/api-client';
import { makerStatus, type MakerStatus } from '../lib/enterprise-directory';
import type { DirectoryState } from '../lib/use-enterprise-directory';
import { useI18n } from '../i18n/i18n';
import { ClusterMap, oeeColour, STATUS_COLOURS, type MapColouring } from '../components/cluster-map';
import { MakerDetail } from './maker-detail';

export interface ClusterViewProps {
  api: ApiClient;
  directory: DirectoryState;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  mapHeight?: number;
}

export function ClusterView({ api, directory, selectedId, onSelect, mapHeight = 760 }: ClusterViewProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [colouring, setColouring] = useState<MapColouring>('state');
  const counts = useMemo(() => {
    const result: Record<MakerStatus, number> = { running: 0, idle: 0, fault: 0, offline: 0 };
    for (const maker of directory.makers ?? []) result[makerStatus(maker)]++;
    return result;
  }, [directory.makers]);

  return (
    <main className={selectedId ? 'cluster cluster--detail' : 'cluster'}>
      <section className="panel cluster__map" aria-labelledby="map-title">
        <h2 id="map-title" className="panel__title">
          {t('map.title')}
          <span className="panel__aside" data-testid="map-count">
            {directory.makers ? t('map.count', { count: i18n.integer(directory.makers.length) }) : t('map.loading')}
          </span>
          <span className="cluster__controls" role="group" aria-label={t('map.colourBy')}>
            <span className="muted">{t('map.colourBy')}</span>
            {(['state', 'oee'] as const).map((mode) => (
              <button key={mode} type="button" className={mode === colouring ? 'button button--small button--on' : 'button button--small'} aria-pressed={mode === colouring} onClick={() => setColouring(mode)} data-testid={`colour-${mode}`}>
                {mode === 'state' ? t('map.byState') : t('map.byOee')}
              </button>
            ))}
          </span>
        </h2>
        <div className="legend">
          {colouring === 'state'
            ? (Object.keys(STATUS_COLOURS) as MakerStatus[]).map((status) => (
                <span key={status} className="legend__item">
                  <span className="legend__swatch" style={{ background: STATUS_COLOURS[status] }} />
                  {i18n.state(status)} <strong data-testid={`map-${status}`}>{i18n.integer(counts[status])}</strong>
                </span>
              ))
            : [0.4, 0.55, 0.7, 0.85].map((oee) => (
                <span key={oee} className="legend__item">
                  <span className="legend__swatch" style={{ background: oeeColour(oee) }} />
                  {i18n.percent(oee, 0)}
                </span>
              ))}
          {colouring === 'oee' && (
            <span className="legend__item">
              <span className="legend__swatch" style={{ background: oeeColour(null) }} />
              {t('map.noOee')}
            </span>
          )}
          <span className="muted legend__hint">{t('map.hint')}</span>
        </div>
        {directory.error && !directory.makers && <p className="muted">{directory.error}</p>}
        {directory.makers && <ClusterMap makers={directory.makers} colouring={colouring} selectedId={selectedId} onSelect={onSelect} height={mapHeight} />}
      </section>
      {selectedId && <MakerDetail api={api} id={selectedId} onClose={() => onSelect(null)} />}
    </main>
  );
}
