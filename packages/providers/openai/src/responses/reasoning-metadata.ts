import type { ReasoningPart } from '@agentry/core';

/**
 * What a reasoning part carries in `providerMetadata.openai`, so the reasoning item can be sent
 * back: its item id, its encrypted content (when OpenAI returned it: `store: false` or
 * `include: ['reasoning.encrypted_content']`), and the ids of the items that followed it in the
 * response. OpenAI refuses a reasoning item sent back without the items that followed it, and a
 * function call item id sent back without its reasoning item, so the pairs travel together.
 *
 * @internal
 */
export interface OpenAIReasoningMetadata {
  /** The reasoning item's id (`rs_…`). */
  itemId: string;
  /** The reasoning, encrypted by OpenAI. */
  encryptedContent?: string;
  /** The message item (`msg_…`) that followed the reasoning, when one did. */
  messageItemId?: string;
  /** The function call items (`fc_…`) that followed the reasoning, by call id. */
  functionCallItemIds?: Record<string, string>;
}

/**
 * Reads a reasoning part's OpenAI metadata, or `undefined` when it has none (reasoning from
 * another provider, or from Chat Completions).
 *
 * @internal
 */
export function readReasoningMetadata(part: ReasoningPart): OpenAIReasoningMetadata | undefined {
  const metadata = part.providerMetadata?.openai;
  if (metadata === undefined || typeof metadata.itemId !== 'string') return undefined;
  const calls = metadata.functionCallItemIds;
  return {
    itemId: metadata.itemId,
    ...(typeof metadata.encryptedContent === 'string'
      ? { encryptedContent: metadata.encryptedContent }
      : {}),
    ...(typeof metadata.messageItemId === 'string'
      ? { messageItemId: metadata.messageItemId }
      : {}),
    ...(typeof calls === 'object' && calls !== null
      ? { functionCallItemIds: calls as Record<string, string> }
      : {}),
  };
}

/**
 * Collects, while a response is read, the items that follow each reasoning item, and gives each
 * reasoning item its metadata once the response is complete.
 *
 * @internal
 */
export class ReasoningLinks {
  private readonly byId = new Map<string, OpenAIReasoningMetadata>();
  private current: OpenAIReasoningMetadata | undefined;

  /** A reasoning item begins; the items after it belong to it. */
  reasoning(itemId: string, encryptedContent: string | null | undefined): void {
    const metadata: OpenAIReasoningMetadata = { itemId };
    if (typeof encryptedContent === 'string') metadata.encryptedContent = encryptedContent;
    this.byId.set(itemId, metadata);
    this.current = metadata;
  }

  /** The encrypted content of a reasoning item, known only when the item is done. */
  encrypted(itemId: string, encryptedContent: string | null | undefined): void {
    const metadata = this.byId.get(itemId);
    if (metadata !== undefined && typeof encryptedContent === 'string') {
      metadata.encryptedContent = encryptedContent;
    }
  }

  /** A message item follows. */
  message(itemId: string): void {
    if (this.current !== undefined) this.current.messageItemId ??= itemId;
  }

  /** A function call item follows. */
  functionCall(itemId: string | undefined, callId: string): void {
    if (this.current === undefined || itemId === undefined) return;
    this.current.functionCallItemIds = { ...this.current.functionCallItemIds, [callId]: itemId };
  }

  /** The provider metadata of a reasoning item. */
  metadataOf(itemId: string): { openai: Record<string, unknown> } {
    return { openai: { ...(this.byId.get(itemId) ?? { itemId }) } };
  }
}
