/**
 * A conversion goal, shared by message and slot experiments: the goal `event` within `withinHours`
 * of the visitor's first exposure converts that exposure, once. Pure: no Worker globals.
 */
import { z } from 'zod';
import { MAX_NAME_LENGTH } from '../limits';

/** Event names as the wire protocol allows them (wm('track', name)). */
export const eventNameSchema = z.string().min(1, 'empty').max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`);

export const goalSchema = z.strictObject({ event: eventNameSchema, withinHours: z.number().int().min(1).max(720) });
export type Goal = z.infer<typeof goalSchema>;
