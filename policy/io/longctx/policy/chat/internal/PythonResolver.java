package io.longctx.policy.chat.internal;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python semantics for what chat templates do with strings, lists and dicts, ahead of Jinjava's own resolvers:
 * {@code str} methods ({@code .startswith}, {@code .split}, {@code .strip}, ...), negative indices
 * ({@code messages[-1]}, {@code parts[-1]}) and the dict methods {@code get}, {@code items}, {@code keys} and
 * {@code values}. Anything else is left to the next resolver.
 */
final class PythonResolver extends ELResolver {

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    if (!(base instanceof List<?> || base instanceof CharSequence)) {
      return null;
    }
    Long index = property instanceof Integer || property instanceof Long ? Long.valueOf(((Number) property).longValue())
        : property instanceof String p && p.matches("-?\\d{1,18}") ? Long.valueOf(p) : null;
    if (index == null || base instanceof List<?> && index >= 0) {
      return null;
    }
    context.setPropertyResolved(true);
    return PythonValues.index(base, index);
  }

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (method == null) {
      return null;
    }
    String name = method.toString();
    Object[] args = params == null ? new Object[0] : params;
    if (base instanceof CharSequence s && PythonStrings.has(name)) {
      context.setPropertyResolved(true);
      return PythonStrings.invoke(s.toString(), name, args);
    }
    if (base instanceof Map<?, ?> m) {
      switch (name) {
        case "get" -> {
          context.setPropertyResolved(true);
          return m.containsKey(args[0]) ? m.get(args[0]) : args.length > 1 ? args[1] : null;
        }
        case "items" -> {
          context.setPropertyResolved(true);
          return new ArrayList<>(m.entrySet());
        }
        case "keys" -> {
          context.setPropertyResolved(true);
          return new ArrayList<>(m.keySet());
        }
        case "values" -> {
          context.setPropertyResolved(true);
          return new ArrayList<>(m.values());
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return false;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
