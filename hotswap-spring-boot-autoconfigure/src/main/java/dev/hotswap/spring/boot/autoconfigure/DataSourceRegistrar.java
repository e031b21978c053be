package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Hotswap;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@code DataSource} bean per database of {@code hotswap.databases}, named
 * {@code <name>DataSource}: the engine's data source of that database. The set of names is only
 * known from the environment, hence a registrar rather than {@code @Bean} methods; it runs while
 * the auto-configurations are read, after the application's own bean definitions, so that it can
 * back off from them.
 */
final class DataSourceRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {
    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Set<String> names = Binder.get(environment)
                .bind("hotswap.databases", Bindable.mapOf(String.class, HotswapProperties.Database.class))
                .map(Map::keySet)
                .orElse(Set.of());
        String primary = primary(names);
        boolean applicationHasOwn = registry instanceof ListableBeanFactory beans
                && beans.getBeanNamesForType(DataSource.class, true, false).length > 0;
        BeanFactory beanFactory = (BeanFactory) registry;
        for (String name : names) {
            String beanName = beanName(name);
            if (registry.containsBeanDefinition(beanName)) {
                continue;
            }
            RootBeanDefinition definition = new RootBeanDefinition(DataSource.class,
                    () -> beanFactory.getBean(Hotswap.class).dataSource(name));
            definition.setPrimary(name.equals(primary) && !applicationHasOwn);
            registry.registerBeanDefinition(beanName, definition);
        }
    }

    /** The DataSource bean name of database {@code name}: {@code production} has {@code productionDataSource}. */
    static String beanName(String name) {
        return name + "DataSource";
    }

    /** The only database, or the one {@code hotswap.primary} names; null if neither. */
    private String primary(Set<String> names) {
        String named = environment.getProperty("hotswap.primary");
        if (named == null || named.isEmpty()) {
            return names.size() == 1 ? names.iterator().next() : null;
        }
        if (!names.contains(named)) {
            throw new IllegalStateException("hotswap.primary=" + named + " names no database of hotswap.databases"
                    + " (configured: " + String.join(", ", Arrays.asList(names.toArray(String[]::new))) + ")");
        }
        return named;
    }
}
