package io.brokle.control.testing;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Provides {@link BothDatabases}' two invocations. The database lives in the invocation's store
 * (closed after the test); the PostgreSQL server in the root store (closed after the run).
 */
final class BothDatabasesExtension implements TestTemplateInvocationContextProvider {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BothDatabasesExtension.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(TestDatabase.Kind.values()).map(Invocation::new);
    }

    private record Invocation(TestDatabase.Kind kind) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int index) {
            return kind.name().toLowerCase(Locale.ROOT);
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Resolver(kind));
        }
    }

    private record Resolver(TestDatabase.Kind kind) implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == TestDatabase.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(TestDatabase.class, k -> open(context),
                    TestDatabase.class);
        }

        private TestDatabase open(ExtensionContext context) {
            if (kind == TestDatabase.Kind.H2) {
                return TestDatabase.h2();
            }
            return context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(PostgresTestServer.class, k -> PostgresTestServer.start(),
                            PostgresTestServer.class)
                    .newSchema();
        }
    }
}
