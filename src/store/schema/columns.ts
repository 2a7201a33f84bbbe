import { numeric, timestamp } from 'drizzle-orm/pg-core';

/** Money and quantities: arbitrary-precision NUMERIC, read back as strings and parsed with dec(). */
export const decimalColumn = (name: string) => numeric(name);
export const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => timestampColumn('created_at').notNull().defaultNow();
export const updatedAt = () => timestampColumn('updated_at').notNull().defaultNow();
