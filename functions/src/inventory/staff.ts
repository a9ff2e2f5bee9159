/** The member of staff a stock change is made by (a callable's caller with the staff or admin claim). */
export interface Staff {
  uid: string;
  role: 'staff' | 'admin';
}
