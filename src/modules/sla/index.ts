/** What other modules may use of the SLA module. */
export {
  addBusinessMinutes,
  subtractBusinessMinutes,
  businessMinutesBetween,
  isBusinessTime,
  validateCalendarSpec,
  NoWorkingTime,
  type CalendarSpec,
  type Interval,
  type Weekday,
} from './business-time.js';
export { getCalendarSpec, type Calendar } from './calendars.service.js';
export type { SlaTables } from './sla.tables.js';
export { findClock } from './sla.repo.js';
export { CLOCK_EVENTS, nextLine, onTicketEvent, onWarning, onLineWarning, onBreach, onOrganizationChanged } from './sla.engine.js';
export { timeLeft, timeLeftFor, rowClocksFor, calendarLookup, type TimeLeft, type RowClocks, type CalendarLookup } from './time-left.js';
export { addTargetSource, businessCalendarFor, holdClocks, refreshTargets, type OwnTargets } from './sla.engine.js';
