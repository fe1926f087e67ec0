import { render } from '@testing-library/react';
import { EChart } from './echart';

describe('EChart', () => {
  it('draws the series it is given as SVG, with its labels', async () => {
    const { findByTestId } = render(
      <EChart
        testId="probe"
        label="probe chart"
        height={200}
        option={{ xAxis: { type: 'category', data: ['Mon', 'Tue'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: 'Pieces', data: [3, 5] }] }}
      />,
    );
    const host = await findByTestId('probe');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.querySelector('svg')).not.toBeNull();
    expect(host.textContent).toContain('Tue');
  });
});
