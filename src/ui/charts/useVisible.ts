import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether an element is on screen (IntersectionObserver). Charts off screen keep their last
 * picture instead of re-rendering on every metrics refresh: recharts renders synchronously, and
 * the main thread's time is better spent on what the researcher is looking at.
 */
export function useVisible(ref: RefObject<HTMLElement | null>): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)), { rootMargin: '100px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return visible;
}
