/**
 * The local development stack behind {@code hpt stack up|down|status}: a real Kafka broker ({@link
 * org.hptstream.stack.BrokerProcess}) and the Apicurio schema registry with its
 * Confluent-compatible API ({@link org.hptstream.stack.RegistryProcess}) as background processes,
 * orchestrated by {@link org.hptstream.stack.LocalStack}, and where hpt's files are ({@link
 * org.hptstream.stack.HptPaths}: installation, source checkout, {@code $HPT_HOME}). The command
 * itself is {@code org.hptstream.cli.StackCommand}; the test fixtures in {@code
 * org.hptstream.testkit} reuse the registry launcher.
 */
package org.hptstream.stack;
