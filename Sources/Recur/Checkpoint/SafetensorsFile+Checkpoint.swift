import Foundation

// What the trainer needs from a checkpoint file: Float tensors by name with their shapes, and
// structured state (model config, optimizer state) as JSON text in the string-only metadata.

extension SafetensorsFile {
    /// Metadata keys Recur writes.
    public enum MetadataKey {
        /// `"pt"`: Hugging Face tools look for it before loading a file as PyTorch weights.
        public static let format = "format"
        /// The model configuration as JSON, enough to rebuild the model before loading weights.
        public static let model = "recur.model"
        /// The optimizer's configuration and scalar state (step count, …) as JSON; its slot
        /// tensors (moments) are stored as ordinary tensors.
        public static let optimizer = "recur.optimizer"
    }

    /// Stores `values` as an `F32` tensor, replacing any tensor of that name.
    /// - Throws: ``CheckpointError`` when `values.count` does not match `shape`.
    public mutating func setFloats(_ values: [Float], shape: [Int], forName name: String) throws {
        insert(try SafetensorsTensor(name: name, floats: values, shape: shape))
    }

    /// The elements of a float tensor (F32, or F16/BF16/F64 converted).
    /// - Parameter shape: when given, the tensor must have exactly this shape.
    /// - Throws: ``CheckpointError/tensorNotFound(tensor:available:)``,
    ///   ``CheckpointError/shapeMismatch(tensor:expected:found:)`` or
    ///   ``CheckpointError/notConvertible(tensor:dtype:requested:)``.
    public func floats(named name: String, shape: [Int]? = nil) throws -> [Float] {
        let tensor = try tensor(named: name)
        if let shape, shape != tensor.shape {
            throw CheckpointError.shapeMismatch(tensor: name, expected: shape, found: tensor.shape)
        }
        return try tensor.floats()
    }

    /// Stores `value` as JSON text (sorted keys, so equal values give equal files) under `key`.
    /// - Throws: ``CheckpointError/metadataNotEncodable(key:detail:)``.
    public mutating func setMetadataJSON<Value: Encodable>(_ value: Value, forKey key: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            metadata[key] = String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw CheckpointError.metadataNotEncodable(key: key, detail: "\(error)")
        }
    }

    /// Decodes the JSON text stored under `key`.
    /// - Throws: ``CheckpointError/metadataMissing(key:)`` or
    ///   ``CheckpointError/metadataNotDecodable(key:detail:)``.
    public func metadataJSON<Value: Decodable>(_ type: Value.Type, forKey key: String) throws -> Value {
        guard let text = metadata[key] else { throw CheckpointError.metadataMissing(key: key) }
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw CheckpointError.metadataNotDecodable(key: key, detail: "\(error)")
        }
    }
}
