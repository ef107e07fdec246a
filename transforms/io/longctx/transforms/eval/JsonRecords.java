package io.longctx.transforms.eval;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads JSON records: a JSON array (DocMath's published {@code .json}) or JSON lines. Every record that cannot be
 * parsed is reported to the sink with its number, never skipped silently.
 */
final class JsonRecords {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonRecords() {}

  static void read(byte[] bytes, RecordFiles.Sink sink) {
    int first = 0;
    while (first < bytes.length && Character.isWhitespace(bytes[first])) {
      first++;
    }
    if (first < bytes.length && bytes[first] == '[') {
      readArray(bytes, sink);
    } else {
      readLines(bytes, sink);
    }
  }

  private static void readArray(byte[] bytes, RecordFiles.Sink sink) {
    String text;
    try {
      text = decodeStrict(bytes, 0, bytes.length);
    } catch (CharacterCodingException e) {
      sink.problem(0, "file is not valid UTF-8");
      return;
    }
    long number = 0;
    try (JsonParser p = MAPPER.getFactory().createParser(text)) {
      p.nextToken(); // START_ARRAY
      while (p.nextToken() != JsonToken.END_ARRAY) {
        number++;
        if (p.currentToken() == null) {
          sink.problem(number, "the JSON array is not closed (file truncated?)");
          return;
        }
        JsonNode node = MAPPER.readTree(p);
        if (node == null || !node.isObject()) {
          sink.problem(number, "element is not a JSON object");
          continue;
        }
        sink.record(number, node);
      }
    } catch (JsonProcessingException e) {
      sink.problem(
          Math.max(number, 1),
          "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
              + ": " + e.getOriginalMessage() + " (records after this one in the array cannot be read)");
    } catch (IOException e) {
      sink.problem(number, "cannot parse: " + e.getMessage());
    }
  }

  private static void readLines(byte[] bytes, RecordFiles.Sink sink) {
    long lineNo = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNo++;
      int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
      parseLine(bytes, start, stop, lineNo, sink);
      start = end + 1;
    }
  }

  private static void parseLine(byte[] bytes, int start, int stop, long lineNo, RecordFiles.Sink sink) {
    String line;
    try {
      line = decodeStrict(bytes, start, stop - start);
    } catch (CharacterCodingException e) {
      sink.problem(lineNo, "line is not valid UTF-8");
      return;
    }
    if (line.isBlank()) {
      return;
    }
    try {
      JsonNode node = MAPPER.readTree(line);
      if (node == null || !node.isObject()) {
        sink.problem(lineNo, "line is not a JSON object");
        return;
      }
      sink.record(lineNo, node);
    } catch (JsonProcessingException e) {
      sink.problem(lineNo, "malformed JSON: " + e.getOriginalMessage());
    }
  }

  static String decodeStrict(byte[] bytes, int off, int len) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, off, len))
        .toString();
  }
}
