import { useMemo, useState } from 'react';

/**
 * Whether the pointer or keyboard focus is on a chart, with the handlers for its element. A chart
 * hands its drawing to recharts' own series and Tooltip only while this is true (MetricChart,
 * MemoryChart): hovering shows values, and streaming metrics stay cheap otherwise.
 */
export function useInspecting() {
  const [inspecting, setInspecting] = useState(false);
  const handlers = useMemo(
    () => ({
      onPointerEnter: () => setInspecting(true),
      onPointerLeave: () => setInspecting(false),
      onFocus: () => setInspecting(true),
      onBlur: () => setInspecting(false),
    }),
    [],
  );
  return { inspecting, handlers };
}
