package org.hptstream.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects the JVM-wide {@link TestStack#shared()} fixture into any test,
 * lifecycle method or constructor parameter of type {@link KafkaStackFixture}:
 *
 * <pre>{@code
 * @ExtendWith(TestStackExtension.class)
 * class IngestTest {
 *   @Test void roundTrip(KafkaStackFixture stack) { ... stack.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class TestStackExtension implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaStackFixture.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return TestStack.shared();
  }
}
