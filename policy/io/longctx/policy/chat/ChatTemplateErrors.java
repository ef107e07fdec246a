package io.longctx.policy.chat;

import io.longctx.policy.PolicyException;
import java.nio.file.Path;
import java.util.List;

/** The chat-template error factory: every message names the checkpoint directory, what failed and how to fix it. */
final class ChatTemplateErrors {
  private ChatTemplateErrors() {}

  static PolicyException noTemplate(Path dir) {
    return new PolicyException("No chat template in " + dir + ": " + CheckpointFiles.TOKENIZER_CONFIG
        + " has no 'chat_template' and there is no " + CheckpointFiles.TEMPLATE_FILE
        + ". Name a built-in format instead: policy.chat-template (or --chat-template) plain, chatml or r1.");
  }

  static PolicyException noSuchTemplate(String dir, String name, List<String> names) {
    return new PolicyException("The checkpoint " + dir + " has no chat template named '" + name + "'; it has "
        + names + ". Pick one of those, or a built-in format (plain, chatml, r1).");
  }

  static PolicyException noDefault(String dir, List<String> names) {
    return new PolicyException("The checkpoint " + dir + " has several chat templates " + names
        + " and none is named 'default'. Pick one with --chat-template NAME.");
  }

  static PolicyException renderFailed(String dir, String name, String error, boolean raisedByTemplate) {
    String which = CheckpointChatTemplate.DEFAULT.equals(name) ? "chat template" : "chat template '" + name + "'";
    return new PolicyException(raisedByTemplate
        ? "The " + which + " of " + dir + " rejected the conversation: " + error
        : "The " + which + " of " + dir + " failed to render: " + error
            + ". Check the template's Jinja syntax, or use a built-in format (plain, chatml, r1).");
  }

  static PolicyException emptyConversation(String dir) {
    return new PolicyException("Cannot apply the chat template of " + dir + " to an empty conversation.");
  }

  static PolicyException badConfig(Path file, String why) {
    return new PolicyException("Cannot read the chat template of " + file + ": " + why + ".");
  }

  static PolicyException unreadable(Path file, Exception cause) {
    return new PolicyException("Cannot read " + file + ": " + cause.getMessage(), cause);
  }

  static PolicyException unknownSetting(String setting) {
    return new PolicyException("Unknown chat template '" + setting
        + "': use auto (the checkpoint's own template), plain, chatml, r1, or the name of one of the checkpoint's"
        + " templates.");
  }
}
