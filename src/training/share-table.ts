import type { Column, Table } from '../ml/data/table.js';

/**
 * Moves numeric columns into SharedArrayBuffers so that every fold task reads
 * the same memory instead of receiving its own copy.
 */
export function shareTable(table: Table): Table {
  const columns = table.columns.map((c): Column => {
    if (c.kind !== 'number' || c.values.buffer instanceof SharedArrayBuffer) return c;
    const shared = new Float64Array(new SharedArrayBuffer(c.values.byteLength));
    shared.set(c.values);
    return { ...c, values: shared };
  });
  return { ...table, columns };
}
