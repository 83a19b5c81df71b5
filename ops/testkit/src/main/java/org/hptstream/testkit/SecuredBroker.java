package org.hptstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.hptstream.stack.BrokerProcess;
import org.hptstream.stack.FreePort;
import org.hptstream.stack.StackException;

/**
 * A Kafka broker process secured as production clusters are: one SASL_SSL listener with
 * SCRAM-SHA-512 users (added when the storage is formatted), a TLS key pair made for this broker
 * with the JDK's {@code keytool}, and the {@code StandardAuthorizer} with no access for anybody
 * without an ACL except the {@value #ADMIN} super user. The KRaft controller listener is
 * SASL_PLAINTEXT with PLAIN (KRaft controllers cannot use SCRAM) on loopback, for the same super
 * user.
 *
 * <p>Users get random passwords; {@link #clientConfig(String)} gives the settings a client of that
 * user needs and {@link #writeClientConfig} writes them as a {@code --kafka-config} file. Grant
 * access with {@link #allow}. Start one per test class: a start takes seconds.
 */
public final class SecuredBroker implements AutoCloseable {
  /** The broker's own principal and the super user that grants ACLs. */
  public static final String ADMIN = "admin";

  private final BrokerProcess broker;
  private final Path truststore;
  private final String truststorePassword;
  private final Map<String, String> passwords;

  private SecuredBroker(
      BrokerProcess broker, Path truststore, String truststorePassword, Map<String, String> pw) {
    this.broker = broker;
    this.truststore = truststore;
    this.truststorePassword = truststorePassword;
    this.passwords = pw;
  }

  /**
   * Generates the stores, formats the storage with the users (and {@value #ADMIN}) and starts the
   * broker in {@code dir}; returns once the admin user can describe the cluster.
   */
  public static SecuredBroker start(Path dir, List<String> users) {
    Path home = dir.toAbsolutePath();
    Map<String, String> passwords = new LinkedHashMap<>();
    passwords.put(ADMIN, randomSecret());
    users.forEach(u -> passwords.put(u, randomSecret()));
    String storePassword = randomSecret();
    Path keystore = home.resolve("broker.p12");
    Path truststore = home.resolve("truststore.p12");
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    makeStores(home, keystore, truststore, storePassword);

    int port = FreePort.pick();
    int controllerPort = FreePort.pick();
    String admin = passwords.get(ADMIN);
    Map<String, String> server = new HashMap<>();
    server.put(
        "listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    server.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
    server.put("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
    server.put("inter.broker.listener.name", "SASL_SSL");
    server.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    server.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
    server.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramJaas(ADMIN, admin));
    server.put("sasl.mechanism.controller.protocol", "PLAIN");
    server.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    server.put(
        "listener.name.controller.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + ADMIN
            + "\" password=\""
            + admin
            + "\" user_"
            + ADMIN
            + "=\""
            + admin
            + "\";");
    server.put("ssl.keystore.location", keystore.toString());
    server.put("ssl.keystore.password", storePassword);
    server.put("ssl.keystore.type", "PKCS12");
    server.put("ssl.truststore.location", truststore.toString());
    server.put("ssl.truststore.password", storePassword);
    server.put("ssl.truststore.type", "PKCS12");
    server.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    server.put("super.users", "User:" + ADMIN);
    server.put("allow.everyone.if.no.acl.found", "false");
    List<String> format = new ArrayList<>();
    passwords.forEach(
        (user, pw) -> {
          format.add("--add-scram");
          format.add("SCRAM-SHA-512=[name=" + user + ",password=" + pw + "]");
        });
    BrokerProcess.Settings settings =
        new BrokerProcess.Settings(
            home.resolve("broker"),
            port,
            controllerPort,
            home.resolve("broker.log"),
            List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"),
            server,
            format);
    BrokerProcess broker = BrokerProcess.start(settings);
    SecuredBroker secured = new SecuredBroker(broker, truststore, storePassword, passwords);
    try {
      broker
          .process()
          .awaitReady(
              broker.bootstrapServers(),
              () ->
                  BrokerProcess.askClusterId(secured.clientConfig(ADMIN), Duration.ofSeconds(3))
                      .isPresent(),
              Duration.ofMinutes(2));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return secured;
  }

  /** {@code host:port} of the SASL_SSL listener. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The broker process (its pid, its log). */
  public BrokerProcess process() {
    return broker;
  }

  /**
   * Everything a Kafka client of {@code user} needs: bootstrap servers, SASL_SSL with SCRAM-SHA-512
   * and its password, the trust store; plus short timeouts so that a refused client fails in
   * seconds rather than the default minute.
   */
  public Map<String, String> clientConfig(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no user " + user + " on this broker");
    }
    Map<String, String> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", bootstrapServers());
    c.put("security.protocol", "SASL_SSL");
    c.put("sasl.mechanism", "SCRAM-SHA-512");
    c.put("sasl.jaas.config", scramJaas(user, password));
    c.put("ssl.truststore.location", truststore.toString());
    c.put("ssl.truststore.password", truststorePassword);
    c.put("ssl.truststore.type", "PKCS12");
    c.put("default.api.timeout.ms", "20000");
    c.put("request.timeout.ms", "10000");
    c.put("max.block.ms", "20000");
    c.put("delivery.timeout.ms", "30000");
    return c;
  }

  /** Writes {@link #clientConfig} without {@code bootstrap.servers} as a properties file. */
  public Path writeClientConfig(String user, Path file) {
    Properties p = new Properties();
    p.putAll(clientConfig(user));
    p.remove("bootstrap.servers");
    try (var out = Files.newBufferedWriter(file)) {
      p.store(out, "Kafka client settings of user " + user);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** A user's password (to search outputs for it). */
  public String password(String user) {
    return passwords.get(user);
  }

  /**
   * Grants {@code user} the operations on one resource (literal name; {@code "*"} for all), as the
   * super user.
   */
  public void allow(String user, ResourceType type, String name, AclOperation... operations) {
    allow(user, type, name, PatternType.LITERAL, operations);
  }

  /** Like {@link #allow(String, ResourceType, String, AclOperation...)} with a pattern type. */
  public void allow(
      String user,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation... operations) {
    List<AclBinding> bindings = new ArrayList<>();
    for (AclOperation op : operations) {
      bindings.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
    }
    Map<String, Object> config = new HashMap<>(clientConfig(ADMIN));
    try (Admin admin = Admin.create(config)) {
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new StackException("cannot create ACLs " + bindings + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted creating ACLs", e);
    }
  }

  /** Stops the broker; its directory is the caller's to delete. */
  @Override
  public void close() {
    broker.close();
  }

  private static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  /** A self-signed key pair for 127.0.0.1 and localhost, and a trust store holding its cert. */
  private static void makeStores(Path home, Path keystore, Path truststore, String password) {
    Path cert = home.resolve("broker.crt");
    keytool(
        home,
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        home,
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        keystore.toString(),
        "-storepass",
        password,
        "-file",
        cert.toString());
    keytool(
        home,
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        password);
  }

  private static void keytool(Path home, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Path log = home.resolve("keytool.log");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new StackException("keytool " + args[0] + " failed; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted running keytool", e);
    }
  }

  private static String randomSecret() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
