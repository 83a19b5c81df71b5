package org.hptstream.registry;

/**
 * The registry refused a schema as incompatible with the subject's compatibility level (HTTP 409).
 */
public class IncompatibleSchemaException extends SchemaRegistryException {
  public IncompatibleSchemaException(String message) {
    super(409, message, null);
  }
}
