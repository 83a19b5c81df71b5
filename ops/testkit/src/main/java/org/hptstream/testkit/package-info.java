/**
 * Integration-test fixtures: a real Kafka broker and a real schema registry for tests.
 *
 * <pre>{@code
 * @ExtendWith(TestStackExtension.class)
 * class MyTest {
 *   @Test void roundTrip(KafkaStackFixture stack) {
 *     stack.createTopic("my-test-topic", 1);
 *     // bootstrap.servers = stack.bootstrapServers(), schema.registry.url = stack.schemaRegistryUrl()
 *   }
 * }
 * }</pre>
 *
 * <p>{@link org.hptstream.testkit.TestStack#shared()} gives the same fixture without the extension.
 * By default it is an in-JVM KRaft broker ({@link org.hptstream.testkit.EmbeddedKafka}) plus one
 * Apicurio registry process per test JVM ({@link org.hptstream.testkit.RegistryFixture}); {@code
 * -Dhpt.fixture=testcontainers} switches to Confluent images on a Docker host ({@link
 * org.hptstream.testkit.ContainersStackFixture}). The fixture is shared by all tests of a JVM: use
 * topic names and registry subjects of your own.
 */
package org.hptstream.testkit;
