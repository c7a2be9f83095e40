package io.brokle.proxy.adapt.anthropic;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Server-sent events in text form, taken apart: enough of the SSE spec for recorded streams. */
final class SseText {
    private SseText() {
    }

    /** Each event of {@code text} as (event name or null, data); comments and blank events are skipped. */
    static List<Map.Entry<String, String>> parse(String text) {
        List<Map.Entry<String, String>> events = new ArrayList<>();
        String name = null;
        StringBuilder data = null;
        for (String line : (text + "\n\n").split("\r?\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new SimpleImmutableEntry<>(name, data.toString()));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return events;
    }

    /** Only the data of each event. */
    static List<String> data(String text) {
        return parse(text).stream().map(Map.Entry::getValue).toList();
    }
}
