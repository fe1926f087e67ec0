import { useEffect, useMemo, useRef, useState } from 'react';
import type { EnterpriseSummary } from '@clusterpulse/contracts';
import { layoutCluster, makerAt, LABEL_HEIGHT, type ClusterLayout } from '../lib/cluster-layout';
import { makerStatus, type MakerStatus } from '../lib/enterprise-directory';
import { useI18n } from '../i18n/i18n';

export type MapColouring = 'state' | 'oee';

export const STATUS_COLOURS: Record<MakerStatus, string> = { running: '#06d6a0', idle: '#ffd166', fault: '#ef476f', offline: '#4a5670' };
const NO_OEE = '#2a3550';

/** OEE 0..1 on a red-amber-green ramp: 40 % and below is red, 85 % (world class) and above green. */
export function oeeColour(oee: number | null): string {
  if (oee === null) return NO_OEE;
  const t = Math.min(1, Math.max(0, (oee - 0.4) / 0.45));
  const hue = Math.round(t * 130);
  return `hsl(${hue}, 75%, ${45 + t * 5}%)`;
}

export function makerColour(maker: EnterpriseSummary, colouring: MapColouring): string {
  return colouring === 'state' ? STATUS_COLOURS[makerStatus(maker)] : oeeColour(maker.oee);
}

function draw(canvas: HTMLCanvasElement, layout: ClusterLayout, makers: EnterpriseSummary[], colouring: MapColouring, selected: string | null, locale: string): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(layout.width * ratio);
  canvas.height = Math.round(layout.height * ratio);
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  const gap = layout.cell >= 6 ? 1 : 0;
  for (const group of layout.groups) {
    ctx.fillStyle = '#93a2c0';
    const label = locale === 'zh-CN' ? `${group.town} · ${group.park}（${group.count}）` : `${group.town} · ${group.park} (${group.count})`;
    ctx.fillText(label, group.x, group.y + 2, group.width);
  }
  let selectedAt: { x: number; y: number } | null = null;
  for (const group of layout.groups) {
    for (let slot = 0; slot < group.count; slot++) {
      const maker = makers[layout.order[group.first + slot]];
      const x = group.x + (slot % group.columns) * layout.cell;
      const y = group.y + LABEL_HEIGHT + Math.floor(slot / group.columns) * layout.cell;
      ctx.fillStyle = makerColour(maker, colouring);
      ctx.fillRect(x, y, layout.cell - gap, layout.cell - gap);
      if (maker.id === selected) selectedAt = { x, y };
    }
  }
  if (selectedAt) {
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 2;
    ctx.strokeRect(selectedAt.x - 1, selectedAt.y - 1, layout.cell + 1, layout.cell + 1);
  }
}

export interface ClusterMapProps {
  makers: EnterpriseSummary[];
  colouring: MapColouring;
  selectedId: string | null;
  onSelect: (id: string) => void;
  height: number;
}

/** Every maker at once on one canvas: 20,000 cells are one draw, not 20,000 DOM nodes. */
export function ClusterMap({ makers, colouring, selectedId, onSelect, height }: ClusterMapProps) {
  const i18n = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(1200);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);

  useEffect(() => {
    const element = host.current!;
    const measure = () => setWidth(Math.max(320, element.clientWidth || 1200));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const layout = useMemo(() => layoutCluster(makers, width, height), [makers, width, height]);

  useEffect(() => {
    if (canvas.current) draw(canvas.current, layout, makers, colouring, selectedId, i18n.locale);
  }, [layout, makers, colouring, selectedId, i18n.locale]);

  const pick = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const index = makerAt(layout, x, y);
    return index === null ? null : { index, x, y };
  };

  const hovered = hover ? makers[hover.index] : null;
  return (
    <div ref={host} className="cluster-map" data-testid="cluster-map">
      <canvas
        ref={canvas}
        className="cluster-map__canvas"
        data-testid="cluster-canvas"
        data-cell-size={layout.cell}
        data-label-height={LABEL_HEIGHT}
        data-makers={makers.length}
        role="img"
        aria-label={i18n.t('map.aria', { count: i18n.integer(makers.length) })}
        onMouseMove={(event) => setHover(pick(event))}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => {
          const hit = pick(event);
          if (hit) onSelect(makers[hit.index].id);
        }}
        style={{ cursor: hovered ? 'pointer' : 'default' }}
      />
      {hovered && hover && (
        <div className="cluster-map__tip" data-testid="map-tooltip" style={{ left: Math.min(hover.x + 16, width - 280), top: hover.y + 16 }}>
          <div className="cluster-map__tip-name">{hovered.name}</div>
          <div className="muted">
            {hovered.id} · {hovered.town} · {hovered.park}
          </div>
          <div>
            {i18n.category(hovered.category)} · {i18n.state(makerStatus(hovered))}
          </div>
          <div>
            {i18n.t('target.yearToDate')}: {i18n.money(hovered.yearToDateFen)}
          </div>
          <div>
            {i18n.t('oee.title')}: {hovered.oee === null ? i18n.t('none') : i18n.percent(hovered.oee)}
          </div>
        </div>
      )}
    </div>
  );
}
