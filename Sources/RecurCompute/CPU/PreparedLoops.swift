/// The CPU backend's prepared loops, found by the identity of the loop each was prepared from.
///
/// An entry holds its loop's identity, so no other loop's identity can have that address while
/// the entry exists, and holds no tensor: its pointers stay valid while the loop, which holds
/// the tensors, exists. The entries whose identity only the entry still holds — their loop is
/// gone — are dropped whenever a new loop is prepared.
struct PreparedLoops {
    private var entries: [ObjectIdentifier: PreparedLoop] = [:]

    mutating func entry(for loop: RecurrentLoop, prepare: (RecurrentLoop) -> PreparedLoop) -> PreparedLoop {
        let key = ObjectIdentifier(loop.identity)
        if let entry = entries[key] { return entry }
        entries = entries.filter { !isKnownUniquelyReferenced(&$0.value.identity) }
        let entry = prepare(loop)
        entry.identity = loop.identity
        entries[key] = entry
        return entry
    }

    var count: Int { entries.count }
}
