package io.brokle.control.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.control.api.Views.AuditEntryView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The audit log: one row per change, written by the service that makes the change, on the same
 * {@link Handle}, so the row commits or rolls back with it:
 *
 * <pre>{@code
 * jdbi.useTransaction(h -> {
 *     h.attach(ProjectDao.class).insert(project);
 *     auditLog.record(h, AuditChange.by(Actor.user(caller), "project.create", "project", project.id())
 *             .in(project.organizationId(), project.id(), null)
 *             .after(ProjectView.of(project)));
 * });
 * }</pre>
 *
 * <p>{@code before} and {@code after} are any Jackson-serialisable values; {@link Redactor}
 * replaces secrets in them before they are stored.
 */
public final class AuditLog {
    /** Most rows one {@link #list} answers. */
    public static final int MAX_PAGE = 200;

    private final ObjectMapper json;
    private final Clock clock;

    public AuditLog(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** Writes the change's row; call it inside the change's transaction. */
    public void record(Handle handle, AuditChange change) {
        handle.createUpdate("insert into audit_log (id, organization_id, project_id, environment_id, actor_id, actor,"
                        + " action, target_type, target, before_json, after_json, at) values (:id,"
                        // PostgreSQL takes a null bound as varchar for a uuid column only with a cast
                        + " cast(:organizationId as uuid), cast(:projectId as uuid), cast(:environmentId as uuid),"
                        + " cast(:actorId as uuid), :actor, :action, :targetType, :target, :before, :after, :at)")
                .bind("id", UUID.randomUUID())
                .bindByType("organizationId", change.organizationId(), UUID.class)
                .bindByType("projectId", change.projectId(), UUID.class)
                .bindByType("environmentId", change.environmentId(), UUID.class)
                .bindByType("actorId", change.actor().userId(), UUID.class)
                .bind("actor", change.actor().name())
                .bind("action", change.action())
                .bind("targetType", change.targetType())
                .bind("target", change.targetType() + ":" + change.targetId())
                .bindByType("before", redactedJson(change.before()), String.class)
                .bindByType("after", redactedJson(change.after()), String.class)
                .bind("at", clock.instant().truncatedTo(ChronoUnit.MICROS))
                .execute();
    }

    /** Which entries {@link #page} returns: one organization's, narrowed by the non-null fields. */
    public record Filter(UUID organizationId, String action, String targetType, String target) {
    }

    /** Rows of an organization's entries, newest first. */
    private List<AuditEntryView> list(Handle handle, Filter filter, int limit, int offset) {
        StringBuilder sql = new StringBuilder("select id, at, actor_id, actor, action, target, target_type,"
                + " organization_id, project_id, environment_id, before_json, after_json from audit_log"
                + " where organization_id = :organizationId");
        if (filter.action() != null) {
            sql.append(" and action = :action");
        }
        if (filter.targetType() != null) {
            sql.append(" and target_type = :targetType");
        }
        if (filter.target() != null) {
            sql.append(" and target = :target");
        }
        sql.append(" order by at desc, id limit :limit offset :offset");
        Query query = handle.createQuery(sql.toString())
                .bind("organizationId", filter.organizationId())
                .bind("limit", limit)
                .bind("offset", offset);
        if (filter.action() != null) {
            query.bind("action", filter.action());
        }
        if (filter.targetType() != null) {
            query.bind("targetType", filter.targetType());
        }
        if (filter.target() != null) {
            query.bind("target", filter.target());
        }
        return query.map((rs, ctx) -> entry(rs)).list();
    }

    private AuditEntryView entry(ResultSet rs) throws SQLException {
        OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
        return new AuditEntryView(rs.getObject("id", UUID.class), at.toInstant(),
                rs.getObject("actor_id", UUID.class), rs.getString("actor"), rs.getString("action"),
                rs.getString("target"), rs.getString("target_type"), rs.getObject("organization_id", UUID.class),
                rs.getObject("project_id", UUID.class), rs.getObject("environment_id", UUID.class),
                parse(rs.getString("before_json")), parse(rs.getString("after_json")));
    }

    private String redactedJson(Object value) {
        if (value == null) {
            return null;
        }
        JsonNode tree = Redactor.redact(json.valueToTree(value));
        try {
            return json.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit value as JSON", e);
        }
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(text); // written by hand elsewhere; show it as it is
        }
    }

    /**
     * One page of an organization's entries, newest first: up to {@code limit} rows, plus whether
     * more follow ({@code limit + 1} are read to tell).
     */
    public Page page(Handle handle, Filter filter, int limit, int offset) {
        List<AuditEntryView> rows = new ArrayList<>(list(handle, filter, limit + 1, offset));
        boolean more = rows.size() > limit;
        return new Page(more ? rows.subList(0, limit) : rows, more);
    }

    /** One page of entries. */
    public record Page(List<AuditEntryView> entries, boolean hasMore) {
    }
}
