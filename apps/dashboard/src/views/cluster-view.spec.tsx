import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiRoutes } from '@clusterpulse/contracts';
import { ApiClient } from '../lib/api-client';
import { cellOf, layoutCluster, LABEL_HEIGHT } from '../lib/cluster-layout';
import { I18nProvider } from '../i18n/i18n';
import { makerDetailFixture, makerFixture, makerHistoryFixture, tableFetch } from '../test/fixtures';
import { ClusterView } from './cluster-view';

const makers = Array.from({ length: 500 }, (_, i) => makerFixture(i));

function renderCluster(selectedId: string | null, onSelect = jest.fn(), locale: 'en' | 'zh-CN' = 'en') {
  const { impl, calls } = tableFetch({
    [ApiRoutes.enterprise(makers[42].id)]: () => ({ status: 200, body: makerDetailFixture(42) }),
    [ApiRoutes.enterpriseHistory(makers[42].id)]: () => ({ status: 200, body: makerHistoryFixture(makers[42].id) }),
  });
  const api = new ApiClient('', impl);
  const view = render(
    <I18nProvider locale={locale}>
      <ClusterView api={api} directory={{ makers, error: null, loadedAt: 1 }} selectedId={selectedId} onSelect={onSelect} mapHeight={600} />
    </I18nProvider>,
  );
  return { ...view, onSelect, calls };
}

describe('ClusterView', () => {
  it('draws every maker on one canvas, not one DOM node each', () => {
    renderCluster(null);
    const canvas = screen.getByTestId('cluster-canvas') as HTMLCanvasElement;
    const context = canvas.getContext('2d') as unknown as { fillRectCalls: number };
    expect(context.fillRectCalls).toBeGreaterThanOrEqual(500);
    expect(canvas.dataset.makers).toBe('500');
    expect(document.querySelectorAll('[data-testid="cluster-map"] *').length).toBeLessThan(20);
  });

  it('counts makers by state in the legend', () => {
    renderCluster(null);
    const offline = makers.filter((m) => !m.online).length;
    const fault = makers.filter((m) => m.online && m.devices.fault > 0).length;
    expect(screen.getByTestId('map-offline')).toHaveTextContent(String(offline));
    expect(screen.getByTestId('map-fault')).toHaveTextContent(String(fault));
    expect(screen.getByTestId('map-count')).toHaveTextContent('500 makers');
  });

  it('summarises the maker under the pointer and selects it on click', () => {
    const { onSelect } = renderCluster(null);
    const canvas = screen.getByTestId('cluster-canvas');
    const cell = Number(canvas.dataset.cellSize);
    // jsdom lays nothing out: the canvas sits at 0,0 and the map uses its fallback width.
    const layout = layoutCluster(makers, 1200, 600);
    expect(layout.cell).toBe(cell);
    const first = makers[layout.order[0]];
    const at = cellOf(layout, 0);
    expect(at).toEqual({ x: 0, y: LABEL_HEIGHT });
    fireEvent.mouseMove(canvas, { clientX: at.x + cell / 2, clientY: at.y + cell / 2 });
    expect(screen.getByTestId('map-tooltip')).toHaveTextContent(first.name);
    expect(screen.getByTestId('map-tooltip')).toHaveTextContent(`${first.town} · ${first.park}`);
    fireEvent.click(canvas, { clientX: at.x + cell / 2, clientY: at.y + cell / 2 });
    expect(onSelect).toHaveBeenCalledWith(first.id);
    fireEvent.mouseLeave(canvas);
    expect(screen.queryByTestId('map-tooltip')).toBeNull();
  });

  it('opens the drill-down of the selected maker with its own figures', async () => {
    const { calls } = renderCluster(makers[42].id);
    await waitFor(() => expect(screen.getByTestId('maker-id')).toHaveTextContent(makers[42].id));
    expect(calls.map((c) => c.url)).toEqual(expect.arrayContaining([ApiRoutes.enterprise(makers[42].id), ApiRoutes.enterpriseHistory(makers[42].id)]));
    expect(screen.getByTestId('maker-name')).toHaveTextContent('Maker 42');
    expect(screen.getByTestId('maker-sales')).toHaveTextContent('¥');
    expect(screen.getByTestId('maker-devices-running')).toHaveTextContent('3');
    expect(screen.getByTestId('maker-energy')).toHaveTextContent('512.3 kWh');
  });

  it('lists the maker’s lines and devices with state, OEE and readings, flagging an out-of-range dye bath', async () => {
    renderCluster(makers[42].id);
    await waitFor(() => expect(screen.getAllByTestId('device-row')).toHaveLength(4));
    expect(screen.getAllByTestId('device-line').map((l) => l.getAttribute('data-line'))).toEqual(['L1', 'L2', '']);
    expect(screen.getAllByTestId('device-row').map((r) => [r.getAttribute('data-device-id'), r.getAttribute('data-state')])).toEqual([
      ['sew-1', 'running'],
      ['dye-1', 'running'],
      ['dye-2', 'fault'],
      ['meter', 'running'],
    ]);
    expect(screen.getByTestId('device-oee-sew-1')).toHaveTextContent('68.4%');
    expect(screen.getByTestId('device-energy-sew-1')).toHaveTextContent('12.5 kWh');
    expect(screen.getByTestId('device-energy-meter')).toHaveTextContent('—');
    // 99.6 °C while holding an 80 °C recipe is outside 77..83 °C; 61.2 °C at 60 °C is within its band.
    expect(screen.getByTestId('reading-dye-1-tempC')).toHaveTextContent('99.6 °C / 80 °C (out of range)');
    expect(screen.getByTestId('reading-dye-1-tempC')).toHaveAttribute('data-out', 'true');
    expect(screen.getByTestId('reading-dye-2-tempC')).toHaveAttribute('data-out', 'false');
  });

  it('draws the maker’s sales and production history', async () => {
    renderCluster(makers[42].id);
    await waitFor(() => expect(screen.getByTestId('maker-history')).toHaveAttribute('data-days', '5'));
    expect(screen.getByTestId('maker-history')).toHaveAttribute('data-sales-fen', String(15_000_000));
    expect(screen.getByTestId('chart-maker-history')).toBeInTheDocument();
  });

  it('colours by OEE on request, with a legend in percent', async () => {
    renderCluster(null);
    await act(async () => fireEvent.click(screen.getByTestId('colour-oee')));
    expect(screen.getByTestId('colour-oee')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText('85%')).toBeInTheDocument();
  });
});
