import type { SlaLeft } from '../api/types';
import { duration, type Translate } from './format';

/** green → amber at 75 % of the target used → red at 90 % or past the deadline (as the warnings fire). */
export function slaColor(leftMinutes: number, targetMinutes: number): 'green' | 'yellow' | 'red' {
  if (leftMinutes <= 0) return 'red';
  if (targetMinutes <= 0) return 'green';
  const used = 1 - leftMinutes / targetMinutes;
  return used >= 0.9 ? 'red' : used >= 0.75 ? 'yellow' : 'green';
}

/** The time left on a request's clock due first, as a list shows it: the words, the clock's name, the colour. */
export function slaLeftText(t: Translate, left: SlaLeft) {
  const clock = t(`queue.clock.${left.metric}`, { line: left.line ?? '' });
  const time = duration(t, Math.abs(left.leftMinutes));
  const label = left.state === 'paused' ? t('queue.pausedClock', { time }) : left.leftMinutes < 0 || left.breached ? t('queue.overdue', { time }) : t('queue.left', { time });
  const color = left.state === 'paused' ? 'gray' : left.breached ? 'red' : slaColor(left.leftMinutes, left.targetMinutes);
  return { clock, label, color };
}
