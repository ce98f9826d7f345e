#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Words (as UTF-8 bytes) to row numbers, looked up straight from a read buffer: open addressing
/// over one contiguous arena of key bytes, so a lookup of a word read from a multi-gigabyte
/// embeddings file allocates nothing. Bytes, not `String`s, because words are compared by their
/// Unicode scalars (see `Tokenizer`).
struct ByteStringTable {
    private struct Slot {
        var hash: UInt64 = 0
        var offset: Int = -1
        var length: Int = 0
        var value: Int = 0
    }

    private var arena: [UInt8] = []
    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    /// Adds `key → value`; a key already present keeps its first value and false is returned.
    @discardableResult
    mutating func insert(_ key: [UInt8], value: Int) -> Bool {
        if count * 2 >= slots.count { grow() }
        let h = key.withUnsafeBufferPointer { Self.hash($0) }
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].offset >= 0 {
            if slots[i].hash == h && keyEquals(slots[i], key) { return false }
            i = (i + 1) & mask
        }
        slots[i] = Slot(hash: h, offset: arena.count, length: key.count, value: value)
        arena.append(contentsOf: key)
        count += 1
        return true
    }

    func value(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = Self.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        return arena.withUnsafeBufferPointer { stored in
            while slots[i].offset >= 0 {
                let slot = slots[i]
                if slot.hash == h && slot.length == key.count
                    && (key.count == 0 || memcmp(stored.baseAddress! + slot.offset, key.baseAddress!, key.count) == 0) {
                    return slot.value
                }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    private func keyEquals(_ slot: Slot, _ key: [UInt8]) -> Bool {
        slot.length == key.count && arena[slot.offset..<(slot.offset + slot.length)].elementsEqual(key)
    }

    private mutating func grow() {
        let old = slots.filter { $0.offset >= 0 }
        slots = [Slot](repeating: Slot(), count: slots.count * 2)
        mask = slots.count - 1
        for slot in old {
            var i = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[i].offset >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}
