import type { Level, Priority } from './tickets.tables.js';

// Impact (rows) × urgency (columns) → priority: the usual ITIL matrix folded to four levels.
const MATRIX: Record<Level, Record<Level, Priority>> = {
  high: { high: 'P1', medium: 'P2', low: 'P3' },
  medium: { high: 'P2', medium: 'P3', low: 'P4' },
  low: { high: 'P3', medium: 'P4', low: 'P4' },
};

/** The priority that a request's impact and urgency call for. */
export const priorityFor = (impact: Level, urgency: Level): Priority => MATRIX[impact][urgency];
