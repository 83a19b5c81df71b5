package org.hptstream.registry;

/**
 * The registry does not know the subject, the schema under the subject, or the schema id (HTTP
 * 404).
 */
public class SchemaNotFoundException extends SchemaRegistryException {
  public SchemaNotFoundException(String message) {
    super(404, message, null);
  }
}
