// Drives kpi-engine's SQL endpoint with the Trino JDBC driver 476, as DBeaver or Tableau would:
// DatabaseMetaData.getTables/getColumns, queries, a PreparedStatement with parameters, an error with its
// position, and Statement.cancel() on a long query. Prints one "key<TAB>value" line per result for the
// test to check. Run as a single-file program: java -cp trino-jdbc-476.jar SqlEndpointJdbc.java URL ...
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public class SqlEndpointJdbc {
    static void print(String key, Object value) {
        System.out.println(key + "\t" + String.valueOf(value).replace('\n', ' '));
    }

    static List<String> rows(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                if (i > 1) b.append('|');
                b.append(rs.getString(i));
            }
            out.add(b.toString());
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String grouped = args[1];
        String federated = args[2];
        String prepared = args[3];
        String failing = args[4];
        String longQuery = args[5];
        Properties p = new Properties();
        p.setProperty("user", "jdbc-client");
        p.setProperty("timezone", "UTC");
        try (Connection c = DriverManager.getConnection(url, p)) {
            DatabaseMetaData md = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables("kpi", "default", "%", null)) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
            }
            print("tables", String.join(",", tables));
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = md.getColumns("kpi", "default", "revenue", "%")) {
                while (rs.next()) columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE"));
            }
            print("columns", String.join(",", columns));
            List<String> catalogs = new ArrayList<>();
            try (ResultSet rs = md.getCatalogs()) {
                while (rs.next()) catalogs.add(rs.getString("TABLE_CAT"));
            }
            print("catalogs", String.join(",", catalogs));
            try (Statement s = c.createStatement()) {
                print("show", String.join(",", rows(s.executeQuery("SHOW TABLES FROM kpi.default"))));
                print("grouped", String.join(";", rows(s.executeQuery(grouped))));
                // An exact KPI's value as JDBC reads decimals: its column type and getBigDecimal.
                try (ResultSet rs = s.executeQuery(grouped)) {
                    java.sql.ResultSetMetaData meta = rs.getMetaData();
                    List<String> exact = new ArrayList<>();
                    while (rs.next()) {
                        java.math.BigDecimal v = rs.getBigDecimal(3);
                        exact.add(v == null ? "null" : v.toPlainString());
                    }
                    print("value_type", meta.getColumnTypeName(3) + ":" + meta.getColumnType(3) + ":"
                            + meta.getPrecision(3) + ":" + meta.getScale(3) + ":" + meta.getColumnClassName(3));
                    print("exact", String.join(";", exact));
                }
                print("federated", String.join(";", rows(s.executeQuery(federated))));
            }
            try (PreparedStatement ps = c.prepareStatement(prepared)) {
                ps.setString(1, "eu");
                ps.setDate(2, java.sql.Date.valueOf("2025-01-01"));
                ps.setDate(3, java.sql.Date.valueOf("2025-03-01"));
                print("prepared", String.join(";", rows(ps.executeQuery())));
            }
            try (Statement s = c.createStatement()) {
                s.executeQuery(failing);
                print("error", "none");
            } catch (SQLException e) {
                print("error", e.getMessage());
            }
            String marker = args[6];
            try (Statement s = c.createStatement(); Connection watcher = DriverManager.getConnection(url, p)) {
                // Cancel from another thread once Trino runs the query (read from system.runtime.queries).
                Thread canceller = new Thread(() -> {
                    String running = "SELECT count(*) FROM system.runtime.queries WHERE state = 'RUNNING' AND query LIKE '%"
                            + marker + "%' AND query NOT LIKE '%system.runtime.queries%'";
                    try (Statement w = watcher.createStatement()) {
                        for (;;) {
                            try (ResultSet rs = w.executeQuery(running)) {
                                rs.next();
                                if (rs.getLong(1) > 0) break;
                            }
                        }
                        s.cancel();
                    } catch (SQLException e) {
                        print("canceller", e.getMessage());
                    }
                });
                canceller.start();
                try (ResultSet rs = s.executeQuery(longQuery)) {
                    while (rs.next()) {}
                    print("cancel", "not cancelled");
                } catch (SQLException e) {
                    print("cancel", e.getMessage());
                }
                canceller.join();
            }
        }
    }
}
