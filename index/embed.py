"""Embeddings behind LangChain's `Embeddings` interface: local MiniLM (ONNX) or OpenAI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from index.config import IndexConfig
from index.models import MODEL_ID, model_dir

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with max_seq_length 256


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 int8 on onnxruntime: mean pooling over tokens, then L2 normalisation."""

    model_id = MODEL_ID

    def __init__(self, files: Path, batch_size: int = 32, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(files / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # tokenizer.json pads to 128; we pad per batch ourselves
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(files / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts as an (n, 384) float32 array, in input order."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            out[batch] = self._run([encodings[i] for i in batch])
        return out

    def _run(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def load_embeddings(config: IndexConfig) -> Embeddings:
    """The embedder the configuration asks for; its `.model_id` is stored with the collection."""
    if config.embeddings == "openai":
        return _openai_embeddings(config)
    return MiniLMEmbeddings(model_dir(config.models_dir), batch_size=config.embed_batch_size)


def model_id_of(embeddings: Embeddings) -> str:
    return str(getattr(embeddings, "model_id", type(embeddings).__name__))


def _openai_embeddings(config: IndexConfig) -> Embeddings:
    from langchain_openai import OpenAIEmbeddings

    emb = OpenAIEmbeddings(  # type: ignore[call-arg]  # api_key/base_url/timeout are pydantic aliases
        model=config.openai_embedding_model,
        api_key=config.openai_api_key or "not-needed",  # compatible servers often ignore the key
        base_url=config.openai_base_url,
        check_embedding_ctx_length=False,  # tiktoken would try to download its vocabulary
        max_retries=2,
        timeout=60,
    )
    emb.__dict__["model_id"] = f"openai/{config.openai_embedding_model}"
    return emb
