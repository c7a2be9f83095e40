package io.brokle.benchmarks.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic, deterministic inputs for the microbenchmarks: OpenAI chat request bodies (a small
 * one and one of about 30 KB), an OpenAI chat-completion stream and an Anthropic Messages stream
 * carrying the same answer, each cut into the reads a socket would deliver. Shapes follow the
 * providers' public API references (OpenAI {@code chat.completion.chunk} with
 * {@code stream_options.include_usage}; Anthropic {@code message_start} ... {@code message_stop}).
 */
public final class Fixtures {
    /** The answer both streams carry, one piece per content event. */
    static final List<String> ANSWER_PIECES = answerPieces();
    /** The usage both streams report at their end. */
    static final long PROMPT_TOKENS = 412;
    static final long COMPLETION_TOKENS = ANSWER_PIECES.size();

    private Fixtures() {
    }

    /** A request body of about the size asked for: {@code small} (about 300 bytes) or {@code 30kb}. */
    public static String chatBody(String size) {
        return switch (size) {
            case "small" -> smallChatBody();
            case "30kb" -> largeChatBody(30 * 1024);
            default -> throw new IllegalArgumentException("size: " + size + " (expected: small, 30kb)");
        };
    }

    /** The request of {@code scripts/bench-lib/chat.lua}: a system and a user message. */
    static String smallChatBody() {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are a concise assistant for an online bookshop. "
                + "Answer in one or two sentences.\"},"
                + "{\"role\":\"user\",\"content\":\"Do you have a paperback edition of The Left Hand of Darkness, "
                + "and how long does delivery take?\"}],"
                + "\"temperature\":0.2,\"max_tokens\":128}";
    }

    /**
     * A long conversation, as an agent or a chat app with history sends it: a system prompt,
     * tool definitions, alternating turns (one with a tool call and its result) and a pasted
     * document, grown until it reaches {@code targetBytes}; {@code stream} and
     * {@code stream_options} come last, where SDKs put them.
     */
    static String largeChatBody(int targetBytes) {
        StringBuilder b = new StringBuilder(targetBytes + 1024);
        b.append("{\"model\":\"gpt-4o-mini\",\"messages\":[");
        b.append("{\"role\":\"system\",\"content\":\"You are a support agent for Lighthouse Books. Be accurate, cite the "
                + "order number when you mention an order, never invent stock levels, and use the tools to look "
                + "things up. Answer in the customer's language.\"}");
        b.append(",{\"role\":\"user\",\"content\":\"Hi, I ordered three books last week and one is missing.\"}");
        b.append(",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_8fK2nQ\",\"type\":\"function\","
                + "\"function\":{\"name\":\"find_orders\",\"arguments\":\"{\\\"customer\\\":\\\"c-20931\\\","
                + "\\\"since\\\":\\\"2026-11-16\\\"}\"}}]}");
        b.append(",{\"role\":\"tool\",\"tool_call_id\":\"call_8fK2nQ\",\"content\":\"[{\\\"order\\\":\\\"LB-55120\\\","
                + "\\\"items\\\":[\\\"The Dispossessed\\\",\\\"Kindred\\\",\\\"Piranesi\\\"],\\\"status\\\":\\\"partly shipped\\\"}]\"}");
        int turn = 0;
        String sentence = "The parcel left our warehouse in Leeds on Tuesday with two of the three books; the third, "
                + "a hardback reprint, is expected from the publisher on Friday and will follow at no extra cost. ";
        while (b.length() < targetBytes - 600) {
            turn++;
            b.append(",{\"role\":\"").append(turn % 2 == 1 ? "assistant" : "user").append("\",\"content\":\"");
            int paragraph = 0;
            while (paragraph < 6 && b.length() < targetBytes - 600) {
                b.append("(").append(turn).append('.').append(paragraph).append(") ").append(sentence);
                paragraph++;
            }
            b.append("\"}");
        }
        b.append(",{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Thanks. Can you summarise where each "
                + "book is, with dates, in a short list?\"}]}");
        b.append("],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"find_orders\",\"description\":\"Orders "
                + "of a customer since a date\",\"parameters\":{\"type\":\"object\",\"properties\":{\"customer\":"
                + "{\"type\":\"string\"},\"since\":{\"type\":\"string\",\"format\":\"date\"}},\"required\":"
                + "[\"customer\"]}}}]");
        b.append(",\"temperature\":0.3,\"max_tokens\":512,\"user\":\"c-20931\"");
        b.append(",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        return b.toString();
    }

    private static List<String> answerPieces() {
        String text = "Here is where each book of order LB-55120 stands: The Dispossessed and Kindred left our Leeds "
                + "warehouse on Tuesday and should reach you by Thursday; Piranesi, the hardback reprint, arrives "
                + "from the publisher on Friday and we will send it the same day at no extra cost, so expect it "
                + "early next week. I am sorry for the wait, and thank you for your patience.";
        List<String> pieces = new ArrayList<>();
        // Providers stream a token or two per event: cut after each word.
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                pieces.add(text.substring(start, i));
                start = i;
            }
        }
        return pieces;
    }

    /** The whole answer text. */
    static String answerText() {
        return String.join("", ANSWER_PIECES);
    }

    /** An OpenAI stream with usage, as {@code data:} events, {@code [DONE]} last. */
    static List<String> openAiStreamEvents() {
        List<String> events = new ArrayList<>();
        String head = "{\"id\":\"chatcmpl-AbC12dEfGh34IjKl56MnOp78QrSt\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1764100000,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_0ba0d124f1\",";
        events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        for (String piece : ANSWER_PIECES) {
            events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece
                    + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n");
        }
        events.add("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":"
                + "\"stop\"}],\"usage\":null}\n\n");
        events.add("data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS
                + ",\"completion_tokens\":" + COMPLETION_TOKENS + ",\"total_tokens\":" + (PROMPT_TOKENS + COMPLETION_TOKENS)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
                + "\"rejected_prediction_tokens\":0}}}\n\n");
        events.add("data: [DONE]\n\n");
        return events;
    }

    /** The same answer as an Anthropic Messages stream ({@code event:} and {@code data:} lines). */
    static List<String> anthropicStreamEvents() {
        List<String> events = new ArrayList<>();
        events.add(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + PROMPT_TOKENS
                + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}"));
        events.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(event("ping", "{\"type\": \"ping\"}"));
        for (String piece : ANSWER_PIECES) {
            events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"" + piece + "\"}}"));
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + COMPLETION_TOKENS + "}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return events;
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    /**
     * The stream's bytes as socket reads: mostly one event per read, but every fifth read
     * carries two events and every seventh event is cut in two across reads, as TCP delivers
     * them under load.
     */
    static List<byte[]> reads(List<String> events) {
        List<byte[]> reads = new ArrayList<>();
        StringBuilder carry = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            String e = events.get(i);
            if (i % 7 == 3 && e.length() > 20) {
                int cut = e.length() / 2;
                carry.append(e, 0, cut);
                reads.add(bytes(carry));
                carry.setLength(0);
                carry.append(e, cut, e.length());
            } else {
                carry.append(e);
            }
            if (i % 5 != 1 || i == events.size() - 1) {
                reads.add(bytes(carry));
                carry.setLength(0);
            }
        }
        if (!carry.isEmpty()) {
            reads.add(bytes(carry));
        }
        return reads;
    }

    private static byte[] bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Direct buffers from {@code alloc}, as a socket read hands them over; the caller releases them. */
    static ByteBuf[] directBuffers(List<byte[]> reads, ByteBufAllocator alloc) {
        ByteBuf[] out = new ByteBuf[reads.size()];
        for (int i = 0; i < out.length; i++) {
            byte[] r = reads.get(i);
            out[i] = alloc.directBuffer(r.length).writeBytes(r);
        }
        return out;
    }

    static ByteBuf directBuffer(String text, ByteBufAllocator alloc) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return alloc.directBuffer(b.length).writeBytes(b);
    }

    static void release(ByteBuf... bufs) {
        if (bufs == null) {
            return;
        }
        for (ByteBuf b : bufs) {
            if (b != null && b.refCnt() > 0) {
                b.release(b.refCnt());
            }
        }
    }
}
