import { useEffect, useRef } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ComposeOption, type EChartsType } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

// Only what the dashboard draws is bundled.
use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, MarkLineComponent, CanvasRenderer, SVGRenderer]);

/**
 * Canvas in a browser: a chart is then one element however many days it shows, so a screen left
 * running for hours keeps a constant DOM (with SVG every day's bar is a node: the overview's charts
 * grew from 99 to 180 nodes in ten minutes of an accelerated demo). SVG in jsdom, whose canvas
 * draws nothing, so component tests can read what a chart shows.
 */
function chartRenderer(): 'canvas' | 'svg' {
  return typeof navigator !== 'undefined' && navigator.userAgent.includes('jsdom') ? 'svg' : 'canvas';
}

export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | MarkLineComponentOption>;

/** Animation is off for automated browsers and for people who asked for less motion: stable screenshots, calm screens. */
export function chartAnimation(): boolean {
  if (typeof window === 'undefined') return false;
  if (window.navigator.webdriver) return false;
  return !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
}

export function EChart({ option, height, testId, label }: { option: ChartOption; height: number; testId: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);

  useEffect(() => {
    const element = host.current!;
    // An element not laid out yet (or a test DOM) reports width 0; draw at a sensible width until it is.
    const instance = init(element, undefined, { renderer: chartRenderer(), width: element.clientWidth || 640, height });
    chart.current = instance;
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => instance.resize({ width: element.clientWidth || 640, height }));
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [height]);

  useEffect(() => {
    chart.current?.setOption({ animation: chartAnimation(), ...option }, { notMerge: true, lazyUpdate: true });
  }, [option, height]);

  return <div ref={host} className="chart" style={{ height }} data-testid={testId} role="img" aria-label={label} />;
}
