/** A uPlot line chart that follows its data (uPlot draws on canvas; the table beside it is the accessible copy). */
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function LineChart(props: {
  title: string;
  data: AlignedData;
  series: Array<{ label: string; stroke: string }>;
  /** x values are Unix seconds (uPlot's time scale) unless false. */
  time?: boolean;
  height?: number;
}) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const opts: Options = {
      title: props.title,
      width: Math.min(720, el.current!.clientWidth || 640),
      height: props.height ?? 220,
      scales: { x: { time: props.time ?? true } },
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
    };
    plot.current = new uPlot(opts, props.data, el.current!);
    return () => plot.current?.destroy();
  }, [props.title, props.series.length]);
  useEffect(() => plot.current?.setData(props.data), [props.data]);
  return <div ref={el} class="chart" role="img" aria-label={props.title} />;
}
