/// Keras `Embedding(input_dim, output_dim, mask_zero=False, trainable=True, input_length=None)`:
/// token ids `[B, T]` → vectors `[B, T, output_dim]`, the first layer of every Recur model.
public struct EmbeddingConfig: Hashable, Sendable {
    /// `nil` until the model assigns Keras's default (`embedding`, `embedding_1`, …).
    public var name: String?
    /// Vocabulary size V: ids must lie in `0..<inputDim`.
    public var inputDim: Int
    /// Vector width E.
    public var outputDim: Int
    /// Treat id 0 as padding: masked timesteps carry the recurrent state through unchanged.
    public var maskZero: Bool
    /// `false` freezes the table (pretrained vectors): its weights count as non-trainable.
    public var trainable: Bool
    /// Keras 2's `input_length`; when set it must agree with the model's input length.
    public var inputLength: Int?

    public init(
        inputDim: Int, outputDim: Int, maskZero: Bool = false, trainable: Bool = true,
        inputLength: Int? = nil, name: String? = nil
    ) {
        self.name = name
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.maskZero = maskZero
        self.trainable = trainable
        self.inputLength = inputLength
    }
}
