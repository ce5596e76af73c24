/** N0 self-help articles, attached to incidents by check kind. */
export interface KbArticlesTable {
  id: string;
  check: string;
  audience: 'user' | 'technician';
  title_en: string;
  body_en: string;
  title_fr: string;
  body_fr: string;
  updated_at: number;
}
