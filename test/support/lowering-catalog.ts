import { buildCatalog } from '../../src/catalog/load.ts';

/**
 * A small catalog for the lowering tests, with one column of every type the demo catalog lacks:
 * shop.orders (decimal, double, boolean, date, text; joins shop.customers), shop.customers (reached
 * from orders), shop.refunds (joined to nothing, so orders cannot reach it) and archive.orders (a table
 * of the same name in another source, which shop.orders joins).
 */
export const shop = buildCatalog({
  connections: { pg: { engine: 'postgres', env: 'SHOP_URL', trinoCatalog: 'shop' } },
  sources: {
    shop: {
      connection: 'pg',
      schema: 'public',
      tables: {
        orders: {
          primaryKey: 'id',
          timeColumn: 'placed_at',
          columns: {
            id: 'bigint',
            customer_id: 'bigint',
            qty: 'bigint',
            total: 'decimal(12,2)',
            weight: 'double',
            paid: 'boolean',
            note: 'string',
            placed_at: 'timestamp',
            shipped_at: 'timestamp',
            due_on: 'date',
          },
          joins: [
            { column: 'customer_id', to: { source: 'shop', table: 'customers', column: 'id' } },
            { column: 'id', to: { source: 'archive', table: 'orders', column: 'id' } },
          ],
        },
        customers: {
          primaryKey: 'id',
          timeColumn: 'joined_at',
          columns: { id: 'bigint', joined_at: 'timestamp', country: 'string', left_at: 'timestamp' },
        },
        refunds: {
          primaryKey: 'id',
          timeColumn: 'at',
          columns: { id: 'bigint', at: 'timestamp', amount: 'double', reason: 'string' },
        },
      },
    },
    archive: {
      connection: 'pg',
      schema: 'archive',
      tables: {
        orders: {
          primaryKey: 'id',
          timeColumn: 'archived_at',
          columns: { id: 'bigint', archived_at: 'timestamp' },
        },
      },
    },
  },
});
