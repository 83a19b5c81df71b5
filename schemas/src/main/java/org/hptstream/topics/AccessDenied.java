package org.hptstream.topics;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Turns Kafka's authorization and authentication errors into one line that names the resource and
 * the permission a secured cluster's ACLs must grant. Kafka's own messages name the topic or group
 * but not the operation that was refused, which only the caller knows.
 */
public final class AccessDenied {
  private AccessDenied() {}

  /**
   * The explanation, when {@code error} or one of its causes is an authorization or authentication
   * failure.
   *
   * @param operation the ACL operation the call needed (e.g. {@code WRITE}, {@code DESCRIBE})
   * @param resource what it was needed on (e.g. {@code topic hpt.images.x}, {@code group g})
   */
  public static Optional<String> explain(Throwable error, String operation, String resource) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException) {
        return Optional.of(
            "authentication failed ("
                + t.getClass().getSimpleName()
                + "): check the SASL user, password and mechanism and the TLS trust store of the"
                + " client settings");
      }
      if (t instanceof AuthorizationException a) {
        return Optional.of(
            "not authorized: the principal needs "
                + operation
                + " on "
                + refused(a, operation, resource)
                + " (Kafka ACL, "
                + a.getClass().getSimpleName()
                + ")");
      }
    }
    return Optional.empty();
  }

  /** Like {@link #explain}, else the error's own message. */
  public static String describe(Throwable error, String operation, String resource) {
    return explain(error, operation, resource).orElseGet(() -> String.valueOf(error.getMessage()));
  }

  /** The resource Kafka says it refused, which may be more precise than the caller's. */
  private static String refused(AuthorizationException a, String operation, String resource) {
    if (a instanceof TopicAuthorizationException t && !t.unauthorizedTopics().isEmpty()) {
      return "topic " + String.join(", ", t.unauthorizedTopics());
    }
    if (a instanceof GroupAuthorizationException g && g.groupId() != null) {
      return "group " + g.groupId();
    }
    if (a instanceof TransactionalIdAuthorizationException) {
      return resource.startsWith("transactional") ? resource : "the transactional id";
    }
    if (a instanceof ClusterAuthorizationException) {
      if ("WRITE".equals(operation)) {
        // An idempotent producer's first request (its producer id) is refused as a cluster action
        // when the principal may write to no topic at all.
        return resource + " (or IDEMPOTENT_WRITE on the cluster)";
      }
      return resource.startsWith("cluster") ? resource : "the cluster";
    }
    return resource;
  }
}
