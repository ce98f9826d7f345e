import Foundation

/// The contents of a safetensors file: named tensors plus string-to-string metadata.
///
/// The format (huggingface/safetensors): an 8-byte little-endian header length `N`, `N` bytes
/// of UTF-8 JSON mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
/// plus an optional `"__metadata__"` object of strings, then the tensors' bytes, contiguous,
/// row-major and little-endian, offsets counted from the first byte after the header.
///
/// Reading lives in `SafetensorsFile+Reading.swift`, writing in `SafetensorsFile+Writing.swift`,
/// the trainer's conveniences in `SafetensorsFile+Checkpoint.swift`.
public struct SafetensorsFile: Equatable, Sendable {
    /// The header key that holds the metadata rather than a tensor.
    public static let metadataKey = "__metadata__"

    /// Free-form annotations. Values must be strings; structured values go in as JSON text.
    public var metadata: [String: String]

    private var tensorsByName: [String: SafetensorsTensor]

    /// Makes a file from tensors and metadata. `["format": "pt"]` is what Hugging Face tools
    /// expect to find in a PyTorch-loadable checkpoint.
    /// - Throws: ``CheckpointError/duplicateTensorName(_:)`` when two tensors share a name.
    public init(tensors: [SafetensorsTensor] = [], metadata: [String: String] = ["format": "pt"]) throws {
        self.metadata = metadata
        self.tensorsByName = [:]
        for tensor in tensors {
            guard tensorsByName.updateValue(tensor, forKey: tensor.name) == nil else {
                throw CheckpointError.duplicateTensorName(tensor.name)
            }
        }
    }

    /// Tensor names, sorted.
    public var names: [String] { tensorsByName.keys.sorted() }

    /// All tensors, sorted by name.
    public var tensors: [SafetensorsTensor] { names.map { tensorsByName[$0]! } }

    public var isEmpty: Bool { tensorsByName.isEmpty }

    /// The tensor with this name, or nil.
    public subscript(name: String) -> SafetensorsTensor? { tensorsByName[name] }

    /// The tensor with this name.
    /// - Throws: ``CheckpointError/tensorNotFound(tensor:available:)`` listing the names there are.
    public func tensor(named name: String) throws -> SafetensorsTensor {
        guard let tensor = tensorsByName[name] else {
            throw CheckpointError.tensorNotFound(tensor: name, available: names)
        }
        return tensor
    }

    /// Adds a tensor, replacing any tensor of the same name.
    public mutating func insert(_ tensor: SafetensorsTensor) {
        tensorsByName[tensor.name] = tensor
    }

    /// Removes and returns the tensor with this name, if there is one.
    @discardableResult
    public mutating func removeTensor(named name: String) -> SafetensorsTensor? {
        tensorsByName.removeValue(forKey: name)
    }
}
