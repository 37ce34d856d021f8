import type { Table } from '../../ml/data/table.js';
import { shareTable } from '../share-table.js';

/**
 * Dataset tables by id, loaded once per process and moved into shared
 * memory, since every trial of a study reads the same table. Keeps the few
 * most recent.
 */
export class TableCache {
  private readonly entries = new Map<string, Promise<Table>>();

  constructor(
    private readonly load: (datasetId: string) => Promise<Table>,
    private readonly capacity = 2,
  ) {}

  get(datasetId: string): Promise<Table> {
    let entry = this.entries.get(datasetId);
    if (entry) {
      this.entries.delete(datasetId);
    } else {
      entry = this.load(datasetId).then(shareTable);
      entry.catch(() => this.entries.delete(datasetId));
    }
    this.entries.set(datasetId, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}
