// Runs one statement through the Trino JDBC driver 476 and prints its rows ("a|b" per line), or
// "ERROR<TAB>message" when it fails. Run as a single-file program:
// java -cp trino-jdbc-476.jar SqlEndpointJdbcQuery.java URL SQL
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class SqlEndpointJdbcQuery {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0]);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(args[1])) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    if (i > 1) b.append('|');
                    b.append(rs.getString(i));
                }
                System.out.println(b);
            }
        } catch (SQLException e) {
            System.out.println("ERROR\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
    }
}
