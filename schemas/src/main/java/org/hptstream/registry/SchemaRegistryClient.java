package org.hptstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client of the Confluent Schema Registry REST API (also served by Apicurio under {@code
 * /apis/ccompat/v7}, Karapace and Redpanda), for Avro schemas.
 *
 * <p>Ids are cached both ways: schema to id per subject, and id to schema. Connection failures and
 * 5xx answers are retried with exponential backoff, rotating over the configured URLs; a 4xx answer
 * fails at once with the registry's message. The HTTP status decides, not the body's {@code
 * error_code} (Apicurio sends 0 there). Thread-safe.
 */
public final class SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final int MAX_REDIRECTS = 5;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SchemaRegistryClient.class);

  private final RegistryConfig config;
  private final RetryNotices notices;
  private final HttpClient http;
  private final String authorization;
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public SchemaRegistryClient(RegistryConfig config) {
    this(config, RetryNotices.NONE);
  }

  /** A client that also reports retries and recoveries to {@code notices}. */
  public SchemaRegistryClient(RegistryConfig config, RetryNotices notices) {
    this.config = config;
    this.notices = notices;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.requestTimeout())
            // Redirects are followed by send(): the JDK would carry Authorization to any host.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.authorization =
        config.userInfo() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8));
  }

  /** Client configured from Kafka-style config keys (see {@link RegistryConfig}). */
  public static SchemaRegistryClient fromConfigs(Map<String, ?> configs) {
    return new SchemaRegistryClient(
        RegistryConfig.fromConfigs(configs), RetryNotices.from(configs));
  }

  public RegistryConfig config() {
    return config;
  }

  /**
   * Registers {@code schema} under {@code subject} ({@code POST /subjects/{s}/versions}); returns
   * the id, which is the existing one when the schema is already registered.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility level refuses it
   */
  public int register(String subject, Schema schema) {
    try {
      return idOf(subject, schema, "/subjects/" + enc(subject) + "/versions");
    } catch (IncompatibleSchemaException e) {
      // Apicurio answers 409 to the loser of two concurrent first registrations of a subject
      // (two instances of one application starting together): the schema is there, under the
      // winner's id, visible a moment later.
      for (int attempt = 1; ; attempt++) {
        try {
          return lookup(subject, schema);
        } catch (SchemaNotFoundException notYet) {
          if (attempt == 5) {
            e.addSuppressed(notYet);
            throw e;
          }
        } catch (SchemaRegistryException notThere) {
          e.addSuppressed(notThere);
          throw e;
        }
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Looks up the id of {@code schema} under {@code subject} without registering it ({@code POST
   * /subjects/{s}}).
   *
   * @throws SchemaNotFoundException when the subject or the schema under it is unknown
   */
  public int lookup(String subject, Schema schema) {
    return idOf(subject, schema, "/subjects/" + enc(subject));
  }

  /** The id the registry answers to POSTing {@code schema} at {@code path}, cached per subject. */
  private int idOf(String subject, Schema schema, String path) {
    // Register and lookup answer the same id for the same schema, so they share one cache.
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = call("POST", path, body(schema), subject);
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException(200, "registry answered without an id: " + answer, null);
    }
    ids.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /**
   * The schema with this id ({@code GET /schemas/ids/{id}}).
   *
   * @throws SchemaNotFoundException when the registry does not know the id
   */
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = call("GET", "/schemas/ids/" + id, null, "schema id " + id);
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equalsIgnoreCase(type)) {
      throw new SchemaRegistryException(
          200, "schema id " + id + " is of type " + type + ", not AVRO", null);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(answer.path("schema").asText());
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(200, "schema id " + id + " is not valid Avro: " + e, e);
    }
    Schema prior = schemasById.putIfAbsent(id, schema);
    return prior != null ? prior : schema;
  }

  /**
   * Sets the compatibility level of one subject ({@code PUT /config/{s}}), e.g. {@code BACKWARD},
   * {@code BACKWARD_TRANSITIVE}, {@code FULL}, {@code NONE}.
   */
  public void setCompatibility(String subject, String level) {
    String body =
        JSON.createObjectNode().put("compatibility", level.toUpperCase(Locale.ROOT)).toString();
    call("PUT", "/config/" + enc(subject), body, subject);
  }

  /** The compatibility level of one subject, or null when it has none of its own. */
  public String getCompatibility(String subject) {
    try {
      JsonNode answer = call("GET", "/config/" + enc(subject), null, subject);
      JsonNode level =
          answer.has("compatibilityLevel")
              ? answer.get("compatibilityLevel")
              : answer.get("compatibility");
      return level == null ? null : level.asText();
    } catch (SchemaNotFoundException e) {
      return null;
    }
  }

  private static String body(Schema schema) {
    return JSON.createObjectNode()
        .put("schema", schema.toString())
        .put("schemaType", "AVRO")
        .toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One REST call with retries over URLs on connection failure and 5xx. */
  private JsonNode call(String method, String path, String body, String what) {
    long backoff = config.initialBackoff().toMillis();
    Exception lastFailure = null;
    String lastUrl = null;
    int lastStatus = SchemaRegistryException.UNREACHABLE;
    long start = System.nanoTime();
    for (int attempt = 0; attempt < config.maxAttempts(); attempt++) {
      URI base = config.urls().get(attempt % config.urls().size());
      URI uri = URI.create(base.toString() + path);
      lastUrl = uri.toString();
      HttpResponse<String> response;
      try {
        response = send(method, uri, body);
      } catch (IOException e) {
        lastFailure = e;
        lastStatus = SchemaRegistryException.UNREACHABLE;
        backoff = backoff(attempt, backoff, e.getClass().getSimpleName());
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            SchemaRegistryException.UNREACHABLE, "interrupted while calling " + uri, e);
      }
      int status = response.statusCode();
      if (attempt > 0 && status < 500) {
        notices.notice(
            String.format(
                "schema registry %s answers again (attempt %d, after %.1f s)",
                config.urls(), attempt + 1, (System.nanoTime() - start) / 1e9));
      }
      if (status >= 200 && status < 300) {
        try {
          String text = response.body();
          return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
          throw new SchemaRegistryException(
              status, method + " " + uri + " answered with invalid JSON: " + e.getMessage(), e);
        }
      }
      String message =
          method + " " + uri + " failed: HTTP " + status + " " + registryMessage(response.body());
      if (status >= 500) {
        lastStatus = status;
        lastFailure = new IOException(message);
        backoff = backoff(attempt, backoff, "HTTP " + status);
        continue;
      }
      switch (status) {
        case 404 ->
            throw new SchemaNotFoundException(
                "not found in schema registry (" + what + "): " + message);
        case 409 ->
            throw new IncompatibleSchemaException(
                "schema registry refused an incompatible schema for " + what + ": " + message);
        case 401, 403 ->
            throw new SchemaRegistryException(
                status,
                "schema registry refused the credentials (set "
                    + RegistryConfig.USER_INFO
                    + "): "
                    + message,
                null);
        case 422 ->
            throw new SchemaRegistryException(
                status, "schema registry refused the request as invalid: " + message, null);
        default -> throw new SchemaRegistryException(status, message, null);
      }
    }
    throw new SchemaRegistryException(
        lastStatus,
        "schema registry unreachable: "
            + method
            + " "
            + lastUrl
            + " failed "
            + config.maxAttempts()
            + " times (urls "
            + config.urls()
            + "); last error: "
            + (lastFailure == null ? "none" : lastFailure.toString()),
        lastFailure);
  }

  /**
   * One request, following up to {@link #MAX_REDIRECTS} redirects. Credentials go only to the
   * origin (scheme, host, port) they were configured for: a redirect elsewhere is followed without
   * the {@code Authorization} header.
   */
  private HttpResponse<String> send(String method, URI uri, String body)
      throws IOException, InterruptedException {
    URI target = uri;
    String m = method;
    String b = body;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder req =
          HttpRequest.newBuilder(target)
              .timeout(config.requestTimeout())
              .header("Accept", CONTENT_TYPE + ", application/json");
      if (authorization != null && sameOrigin(target, uri)) {
        req.header("Authorization", authorization);
      }
      req.method(
          m,
          b == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(b, StandardCharsets.UTF_8));
      if (b != null) {
        req.header("Content-Type", CONTENT_TYPE);
      }
      HttpResponse<String> response = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      var location = response.headers().firstValue("Location");
      if (!(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
          || location.isEmpty()) {
        return response;
      }
      if (hop == MAX_REDIRECTS) {
        throw new IOException(method + " " + uri + ": more than " + MAX_REDIRECTS + " redirects");
      }
      URI next;
      try {
        next = target.resolve(location.get());
      } catch (IllegalArgumentException e) {
        throw new IOException(method + " " + uri + ": redirect to an invalid location", e);
      }
      if (next.getRawUserInfo() != null
          || !("http".equals(next.getScheme()) || "https".equals(next.getScheme()))) {
        throw new IOException(method + " " + uri + ": redirect to an unsupported location");
      }
      target = next;
      if (status == 303 || ((status == 301 || status == 302) && !"GET".equals(m))) {
        m = "GET";
        b = null;
      }
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /** The registry's own error message (Confluent and Apicurio both use "message"). */
  private static String registryMessage(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node.hasNonNull("message")) {
        return node.get("message").asText();
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: show the start of the body
    }
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  /** Sleeps before the next attempt (not after the last); returns the next, doubled, backoff. */
  private long backoff(int attempt, long millis, String reason) {
    if (attempt + 1 < config.maxAttempts()) {
      LOG.warn(
          "schema registry {} did not answer (attempt {} of {}), retrying in {} ms",
          config.urls(),
          attempt + 1,
          config.maxAttempts(),
          millis);
      notices.notice(
          String.format(
              "schema registry %s did not answer (%s, attempt %d of %d); retrying in %.1f s",
              config.urls(), reason, attempt + 1, config.maxAttempts(), millis / 1000.0));
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            SchemaRegistryException.UNREACHABLE, "interrupted while retrying " + config.urls(), e);
      }
    }
    return millis * 2;
  }
}
