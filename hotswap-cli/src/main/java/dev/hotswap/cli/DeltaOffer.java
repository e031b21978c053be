package dev.hotswap.cli;

/**
 * Whether {@code cp} offers a delta, decided before the server says which way the copy goes: the
 * request's {@link dev.hotswap.protocol.CpOptions#DELTA} option carries the page size of SRC when SRC is a local database (a
 * push, probably), else that of DST when DST is one (a pull into an old copy). {@code -} on either
 * side, a {@link TransferChoice} that picks the whole file and a version 1 server mean no offer. On
 * this host's socket nothing is hashed before {@code READY}: SRC may be the live database itself
 * ({@code cp db/production.sqlite3 new.sqlite3}, a pull), whose pages a push's hashing would read for
 * nothing. When DST is on another host ({@code HOST:PATH}), SRC can only be pushed, and a delta is
 * offered unless {@code --full} says otherwise: SRC's hash pass starts before the connection
 * ({@link #hashEarly}), beside the start of the transport and of the remote relay, which take longer.
 *
 * @param pageSize the page size offered, or 0 for no offer
 * @param pushSource SRC as a delta push's new file, or {@code null} if it is no local database
 * @param pullBase DST as a delta pull's old copy, or {@code null} if it is no local database
 */
record DeltaOffer(int pageSize, LocalDatabase pushSource, LocalDatabase pullBase) {
    /** No delta: the whole file either way. */
    static final DeltaOffer NONE = new DeltaOffer(0, null, null);

    /** The offer for {@code cp from to}, {@code from} being {@code null} for stdin. */
    static DeltaOffer of(PushSource from, PathArgument to) {
        LocalDatabase source = from == null ? null : LocalDatabase.of(from.file());
        LocalDatabase destination = to.local() == null || from == null ? null : LocalDatabase.of(to.local());
        if (source != null) {
            return new DeltaOffer(source.pageSize(), source, destination);
        }
        if (destination != null) {
            return new DeltaOffer(destination.pageSize(), null, destination);
        }
        return NONE;
    }

    /**
     * SRC's hash pass, started now if the push and its delta are certain before the connection
     * ({@code to} is on another host, {@code choice} offers a delta there, SRC is a local database);
     * else null. A server too old for a delta leaves it unused.
     */
    static DeltaPush hashEarly(TransferChoice choice, PushSource from, PathArgument to) {
        if (!to.isRemote() || !choice.offersDelta(true) || from == null) {
            return null;
        }
        LocalDatabase source = LocalDatabase.of(from.file());
        return source == null ? null : DeltaPush.start(source);
    }

    /** The offer for a pull from another host into {@code to}: its pages, if it is a local database. */
    static DeltaOffer pullInto(PathArgument to) {
        LocalDatabase destination = to.local() == null ? null : LocalDatabase.of(to.local());
        return destination == null ? NONE : new DeltaOffer(destination.pageSize(), null, destination);
    }
}
