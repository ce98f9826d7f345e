import RecurCompute

/// What a layer hands the layer above it.
enum LayerOutput {
    case tensor(FloatRef)
    /// A Bidirectional layer's concatenated output sequence as its two directions wrote it
    /// (``LayerStep/handsOnHalves``), for the recurrent layer above to read in place.
    case halves(RecurrentSequence.Bindings.SequenceHalves)

    var tensor: FloatRef? {
        if case .tensor(let tensor) = self { return tensor }
        return nil
    }
}
