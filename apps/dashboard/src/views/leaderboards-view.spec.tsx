import { fireEvent, render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n';
import { makerFixture } from '../test/fixtures';
import { leaderboards, LeaderboardsView } from './leaderboards-view';

describe('leaderboards', () => {
  it('ranks by sales and by OEE, skipping makers without OEE, ties by id', () => {
    const makers = [
      makerFixture(1, { yearToDateFen: 500, oee: 0.5 }),
      makerFixture(2, { yearToDateFen: 900, oee: null }),
      makerFixture(3, { yearToDateFen: 500, oee: 0.9 }),
      makerFixture(4, { yearToDateFen: 100, oee: 0.7 }),
    ];
    const boards = leaderboards(makers, 3);
    expect(boards.bySales.map((m) => m.id)).toEqual(['m00002', 'm00001', 'm00003']);
    expect(boards.byOee.map((m) => m.id)).toEqual(['m00003', 'm00004', 'm00001']);
    expect(boards.byEnergy).toBeNull();
  });

  it('ranks energy efficiency lowest kWh first when the server reports it', () => {
    const makers = [makerFixture(1, { kwhPer1000Pieces: 300 }), makerFixture(2, { kwhPer1000Pieces: 120 }), makerFixture(3, { kwhPer1000Pieces: null })];
    expect(leaderboards(makers).byEnergy!.map((m) => m.id)).toEqual(['m00002', 'm00001']);
  });

  it.each([
    [[100, 200, 300, 400, 500], [140, 300, 460]],
    [[7], [7, 7, 7]],
  ])('puts the 10th, 50th and 90th sales percentiles of %j at %j', (sales, expected) => {
    const boards = leaderboards(sales.map((fen, i) => makerFixture(i, { yearToDateFen: fen })));
    expect(boards.percentiles.sales).toEqual(expected);
  });
});

describe('LeaderboardsView', () => {
  it('lists the top makers and opens one when its name is clicked', () => {
    const makers = Array.from({ length: 40 }, (_, i) => makerFixture(i, { yearToDateFen: i * 1_000_000 }));
    const onSelect = jest.fn();
    render(
      <I18nProvider locale="en">
        <LeaderboardsView directory={{ makers, error: null, loadedAt: 1 }} onSelect={onSelect} />
      </I18nProvider>,
    );
    const rows = within(screen.getByTestId('board-sales')).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toHaveTextContent('Maker 39');
    expect(rows[0]).toHaveTextContent('¥390,000');
    fireEvent.click(within(rows[0]).getByRole('button', { name: 'Maker 39' }));
    expect(onSelect).toHaveBeenCalledWith('m00039');
    expect(screen.getByText('The server does not report energy per maker yet.')).toBeInTheDocument();
  });
});
