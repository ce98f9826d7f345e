/// What a backend derives from each recurrent loop — the CPU backend's resolved pointers, the
/// OpenCL backend's recognised persistent-kernel form — kept under the loop's identity
/// (``RecurrentLoop/identity``), so that a plan enqueued every step derives it once.
///
/// An entry holds its loop's identity, so no other loop's identity can have that address while
/// the entry exists. A derived value may hold the loop's tensors (a recognised loop does), so
/// whenever a value is derived for a new loop, the entries whose identity only the cache still
/// holds — their loop is gone — are dropped: a finished executor's arena is freed then, not kept
/// until the process ends.
struct LoopCache<Value> {
    private final class Entry {
        var identity: RecurrentLoop.Identity
        let value: Value
        init(_ identity: RecurrentLoop.Identity, _ value: Value) { self.identity = identity; self.value = value }
    }

    private var entries: [ObjectIdentifier: Entry] = [:]
    /// How many values were derived from scratch (tests check a re-enqueued plan hits).
    private(set) var derivations = 0
    var count: Int { entries.count }

    mutating func value(for loop: RecurrentLoop, derive: (RecurrentLoop) -> Value) -> Value {
        let key = ObjectIdentifier(loop.identity)
        if let entry = entries[key] { return entry.value }
        entries = entries.filter { !isKnownUniquelyReferenced(&$0.value.identity) }
        let value = derive(loop)
        derivations += 1
        entries[key] = Entry(loop.identity, value)
        return value
    }
}
