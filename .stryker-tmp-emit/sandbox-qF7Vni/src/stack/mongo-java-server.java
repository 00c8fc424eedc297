// Runs de.bwaldvogel:mongo-java-server as the `analytics` MongoDB source of the local stack.
// Launched as a single source file (java -cp 'lib/*' mongo-java-server.java HOST PORT FILE), so no build step.
// The H2 backend keeps the data in one MVStore file, so the data survives a restart; FILE "memory" keeps
// it in memory instead.
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

public class MongoJavaServerMain {
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: mongo-java-server.java HOST PORT FILE|memory");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    MongoBackend backend = args[2].equals("memory") ? new MemoryBackend() : new H2Backend(args[2]);
    MongoServer server = new MongoServer(backend);
    server.bind(host, port);
    // Closing the backend on SIGTERM commits the MVStore, so a clean stop loses nothing.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      backend.close();
    }));
    System.out.println("mongo-java-server listening on " + host + ":" + port + " (" + backend + ")");
  }
}
