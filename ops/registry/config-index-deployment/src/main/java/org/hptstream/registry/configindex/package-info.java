/** Quarkus build step standing in for an Apicurio deployment artifact that Maven Central does not serve. */
package org.hptstream.registry.configindex;
