interface PaginationProps {
  page: number;
  pageSize: number;
  count: number;
  onPage: (page: number) => void;
}

export function pageCount(count: number, pageSize: number): number {
  return Math.max(Math.ceil(count / pageSize), 1);
}

export function Pagination({ page, pageSize, count, onPage }: PaginationProps) {
  const pages = pageCount(count, pageSize);
  return (
    <nav aria-label="Pages" className="pagination">
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </button>
      <span aria-live="polite">
        Page {page} of {pages}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        Next
      </button>
    </nav>
  );
}
